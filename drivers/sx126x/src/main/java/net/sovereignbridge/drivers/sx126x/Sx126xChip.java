package net.sovereignbridge.drivers.sx126x;

import net.sovereignbridge.drivers.sx127x.Bandwidth;

/**
 * The members of the family this driver drives, with the limits their datasheets give. All three share the
 * SX126x command set and the high-power PA (up to +22 dBm); they differ in band and, for the LLCC68, in the
 * spreading factors and bandwidths it accepts.
 */
public enum Sx126xChip {
    /** Semtech SX1261/2 datasheet: 150..960 MHz. */
    SX1262(150_000_000L, 960_000_000L),
    /** Semtech SX1268 datasheet: 410..810 MHz (the 433/470 MHz modules). */
    SX1268(410_000_000L, 810_000_000L),
    /**
     * Semtech LLCC68 datasheet: 150..960 MHz; bandwidths 125, 250 and 500 kHz only; SF5..SF9 at 125 kHz, SF5..SF10
     * at 250 kHz, SF5..SF11 at 500 kHz (so no SF11 at 250 kHz: Meshtastic's LongFast does not run on it).
     */
    LLCC68(150_000_000L, 960_000_000L);

    public static final int MIN_POWER_DBM = -9;
    public static final int MAX_POWER_DBM = 22;

    private final long minHz;
    private final long maxHz;

    Sx126xChip(long minHz, long maxHz) {
        this.minHz = minHz;
        this.maxHz = maxHz;
    }

    public long minFrequencyHz() {
        return minHz;
    }

    public long maxFrequencyHz() {
        return maxHz;
    }

    /** Empty when this chip can run the combination; else why not, for an error message. */
    public java.util.Optional<String> modulationProblem(int spreadingFactor, Bandwidth bandwidth) {
        if (spreadingFactor < 5 || spreadingFactor > 12) {
            return java.util.Optional.of("spreading factor must be 5..12 on an SX126x, got " + spreadingFactor);
        }
        if (this != LLCC68) return java.util.Optional.empty();
        int maxSf = switch (bandwidth) {
            case BW_125 -> 9;
            case BW_250 -> 10;
            case BW_500 -> 11;
            default -> 0;
        };
        if (maxSf == 0) {
            return java.util.Optional.of("the LLCC68 supports 125, 250 and 500 kHz only, not " + bandwidth);
        }
        if (spreadingFactor > maxSf) {
            return java.util.Optional.of("the LLCC68 runs SF5..SF" + maxSf + " at " + bandwidth + ", not SF"
                    + spreadingFactor + " (LLCC68 datasheet, LoRa modem)");
        }
        return java.util.Optional.empty();
    }

    /** Parses a board file's module name: sx1262, sx1268, llcc68 (any case). */
    public static java.util.Optional<Sx126xChip> parse(String module) {
        for (Sx126xChip c : values()) if (c.name().equalsIgnoreCase(module.trim())) return java.util.Optional.of(c);
        return java.util.Optional.empty();
    }
}
