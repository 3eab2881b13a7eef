package net.sovereignbridge.drivers.meshtastic;

/**
 * Meshtastic's modem presets (firmware src/mesh/MeshRadio.h, modemPresetToParams; not the "wide LoRa" 2.4 GHz
 * variants). All use sync word 0x2B, preamble 16, explicit header, CRC on, standard IQ. {@link #channelName()} is
 * what an unnamed primary channel is called, which feeds the channel hash and the frequency slot; LongFast's is
 * checked against Meshtastic's documented values (hash 0x08 with the default key; slot 19 = 906.875 MHz in US).
 */
public enum ModemPreset {
    SHORT_TURBO("ShortTurbo", 500, 7, 5),
    SHORT_FAST("ShortFast", 250, 7, 5),
    SHORT_SLOW("ShortSlow", 250, 8, 5),
    MEDIUM_FAST("MediumFast", 250, 9, 5),
    MEDIUM_SLOW("MediumSlow", 250, 10, 5),
    LONG_FAST("LongFast", 250, 11, 5),
    LONG_MODERATE("LongMod", 125, 11, 8),
    LONG_SLOW("LongSlow", 125, 12, 8);

    public static final int SYNC_WORD = 0x2B;
    public static final int PREAMBLE = 16;

    private final String channelName;
    private final int bandwidthKhz;
    private final int spreadingFactor;
    private final int codingRateDenominator;

    ModemPreset(String channelName, int bandwidthKhz, int sf, int crDenominator) {
        this.channelName = channelName;
        this.bandwidthKhz = bandwidthKhz;
        this.spreadingFactor = sf;
        this.codingRateDenominator = crDenominator;
    }

    public String channelName() {
        return channelName;
    }

    public int bandwidthKhz() {
        return bandwidthKhz;
    }

    public int spreadingFactor() {
        return spreadingFactor;
    }

    /** 5..8 for 4/5..4/8. */
    public int codingRateDenominator() {
        return codingRateDenominator;
    }

    /** "LongFast", "long-fast", "LONG_FAST" alike. */
    public static java.util.Optional<ModemPreset> parse(String text) {
        String t = text.trim().replace("-", "").replace("_", "");
        for (ModemPreset p : values()) {
            if (p.channelName.equalsIgnoreCase(t) || p.name().replace("_", "").equalsIgnoreCase(t)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }
}
