package net.sovereignbridge.drivers.rnode;

import java.util.Locale;

/**
 * The radio settings a host gives an RNode. Ranges are those RNode hosts accept (the chips behind RNodes reach 137
 * MHz to 3 GHz, LoRa bandwidths of 7.8 kHz to 1.625 MHz); the RNode itself may still round or clamp a value to what its
 * chip does (bandwidth to the next one the chip has, TX power to the board's maximum), which {@link RNode#configure}
 * detects by reading every value back.
 *
 * @param frequencyHz carrier frequency
 * @param bandwidthHz LoRa bandwidth
 * @param spreadingFactor 5..12
 * @param codingRate denominator of 4/5..4/8
 * @param txPowerDbm transmit power
 */
public record RNodeSettings(long frequencyHz, long bandwidthHz, int spreadingFactor, int codingRate, int txPowerDbm) {
    public static final long MIN_FREQUENCY_HZ = 137_000_000L;
    public static final long MAX_FREQUENCY_HZ = 3_000_000_000L;
    public static final long MIN_BANDWIDTH_HZ = 7_800L;
    public static final long MAX_BANDWIDTH_HZ = 1_625_000L;
    public static final int MAX_TX_POWER_DBM = 37;
    /** The SX127x's frequency step is 61 Hz (32 MHz / 2^19); a read-back within this of the asked value is it. */
    public static final long FREQUENCY_TOLERANCE_HZ = 100;

    public RNodeSettings {
        range("frequency", frequencyHz, MIN_FREQUENCY_HZ, MAX_FREQUENCY_HZ, "Hz");
        range("bandwidth", bandwidthHz, MIN_BANDWIDTH_HZ, MAX_BANDWIDTH_HZ, "Hz");
        range("spreading factor", spreadingFactor, 5, 12, "");
        range("coding rate", codingRate, 5, 8, "(4/5..4/8)");
        range("TX power", txPowerDbm, 0, MAX_TX_POWER_DBM, "dBm");
    }

    private static void range(String name, long v, long min, long max, String unit) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s %d is outside %d..%d %s", name, v, min,
                    max, unit).trim());
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.3f MHz, %.1f kHz, SF%d, CR4/%d, %d dBm", frequencyHz / 1e6,
                bandwidthHz / 1e3, spreadingFactor, codingRate, txPowerDbm);
    }
}
