package net.sovereignbridge.drivers.sx126x;

import java.util.Objects;
import java.util.Optional;

/**
 * How the chip sits on its module: which family member, whether a TCXO hangs on DIO3 (and at what voltage),
 * whether DIO2 drives the RF switch, and whether the module has the DC-DC inductor. These are facts of the board,
 * not settings: getting them wrong makes the chip fail (no oscillator: XOSC_START_ERR) or go deaf (RF switch).
 *
 * @param tcxoStartupMicros how long the chip waits for the TCXO to settle after switching it on (5 ms is safe for
 *     the modules meshtasticd lists)
 * @param dcDcRegulator SetRegulatorMode DC-DC (every E22/RAK module has the inductor) instead of the LDO
 */
public record Sx126xHardware(Sx126xChip chip, Optional<TcxoVoltage> tcxo, int tcxoStartupMicros,
                             boolean dio2RfSwitch, boolean dcDcRegulator) {
    public Sx126xHardware {
        Objects.requireNonNull(chip, "chip");
        Objects.requireNonNull(tcxo, "tcxo");
        if (tcxoStartupMicros < 0 || tcxoStartupMicros > 100_000) {
            throw new IllegalArgumentException("TCXO start-up must be 0..100000 us, got " + tcxoStartupMicros);
        }
    }

    /** An SX1262 module with a 1.8 V TCXO and DIO2 as RF switch: most of the HATs in meshtasticd's config.d. */
    public static Sx126xHardware typicalSx1262() {
        return new Sx126xHardware(Sx126xChip.SX1262, Optional.of(TcxoVoltage.V1_8), 5000, true, true);
    }

    public Sx126xHardware withChip(Sx126xChip c) {
        return new Sx126xHardware(c, tcxo, tcxoStartupMicros, dio2RfSwitch, dcDcRegulator);
    }

    public Sx126xHardware withTcxo(Optional<TcxoVoltage> v) {
        return new Sx126xHardware(chip, v, tcxoStartupMicros, dio2RfSwitch, dcDcRegulator);
    }

    public Sx126xHardware withDio2RfSwitch(boolean on) {
        return new Sx126xHardware(chip, tcxo, tcxoStartupMicros, on, dcDcRegulator);
    }
}
