package net.sovereignbridge.app.transport.lora;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.sovereignbridge.drivers.sx126x.Sx126xChip;
import net.sovereignbridge.drivers.sx126x.Sx126xHardware;
import net.sovereignbridge.drivers.sx126x.TcxoVoltage;

/**
 * What a board file says about an SX126x module beyond the pins every radio has (meshtasticd's keys in brackets).
 *
 * @param busyGpio the chip's BUSY line ({@code Busy}), required
 * @param txEnableGpio / rxEnableGpio the module's RF switch lines driven by the host ({@code TXen}, {@code RXen})
 * @param dio2RfSwitch DIO2 drives the RF switch ({@code DIO2_AS_RF_SWITCH})
 * @param tcxo the TCXO supply on DIO3 ({@code DIO3_TCXO_VOLTAGE}: true = 1.8 V, or a voltage)
 * @param enableGpios lines held high while the radio is in use ({@code Enable_Pins}, {@code SX126X_ANT_SW})
 * @param paGainDb gain of an external PA after the chip ({@code TX_GAIN_LORA}; E22-900M30S about 8 dB): added to
 *     the chip's power when checking the region's EIRP limit
 */
public record Sx126xBoard(Sx126xChip chip, int busyGpio, OptionalInt txEnableGpio, OptionalInt rxEnableGpio,
                          boolean dio2RfSwitch, Optional<TcxoVoltage> tcxo, List<Integer> enableGpios, int paGainDb) {
    public Sx126xBoard {
        enableGpios = List.copyOf(enableGpios);
    }

    /** The module facts the driver needs (5 ms TCXO start-up, DC-DC regulator: every module listed has one). */
    public Sx126xHardware hardware() {
        return new Sx126xHardware(chip, tcxo, 5000, dio2RfSwitch, true);
    }
}
