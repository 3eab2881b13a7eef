package net.sovereignbridge.drivers.meshtastic;

/**
 * Meshtastic's region table (firmware src/mesh/RadioInterface.cpp, RDEF: start, end, duty cycle %, channel
 * spacing, power limit; padding 0 everywhere here). The band is where the frequency slots lie; duty cycle and power
 * are Meshtastic's own limits for the region, which our regulator may make stricter.
 */
public enum MeshtasticRegion {
    US(902.0, 928.0, 100, 30),
    EU_433(433.0, 434.0, 10, 10),
    EU_868(869.4, 869.65, 10, 27),
    CN(470.0, 510.0, 100, 19),
    JP(920.5, 923.5, 100, 13),
    ANZ(915.0, 928.0, 100, 30),
    KR(920.0, 923.0, 100, 23),
    TW(920.0, 925.0, 100, 27),
    RU(868.7, 869.2, 100, 20),
    IN(865.0, 867.0, 100, 30),
    NZ_865(864.0, 868.0, 100, 36),
    TH(920.0, 925.0, 100, 16);

    private final double startMhz;
    private final double endMhz;
    private final int dutyCyclePercent;
    private final int powerLimitDbm;

    MeshtasticRegion(double startMhz, double endMhz, int dutyCyclePercent, int powerLimitDbm) {
        this.startMhz = startMhz;
        this.endMhz = endMhz;
        this.dutyCyclePercent = dutyCyclePercent;
        this.powerLimitDbm = powerLimitDbm;
    }

    public int dutyCyclePercent() {
        return dutyCyclePercent;
    }

    public int powerLimitDbm() {
        return powerLimitDbm;
    }

    /** Number of frequency slots of {@code preset} here: round((end - start + spacing) / (spacing + 2*pad + BW)). */
    public int slots(ModemPreset preset) {
        double width = preset.bandwidthKhz() / 1000.0;
        return (int) Math.round((endMhz - startMhz) / width);
    }

    /** The slot a channel name selects: djb2(name) mod slots (RadioInterface::applyModemConfig). */
    public int slot(ModemPreset preset, String channelName) {
        String name = channelName.isEmpty() ? preset.channelName() : channelName;
        return Integer.remainderUnsigned(djb2(name), slots(preset));
    }

    /** Centre frequency in Hz: start + BW/2 + slot * width. */
    public long frequencyHz(ModemPreset preset, String channelName) {
        double width = preset.bandwidthKhz() / 1000.0;
        double mhz = startMhz + width / 2 + slot(preset, channelName) * width;
        return Math.round(mhz * 1e6);
    }

    /** Dan Bernstein's string hash as the firmware computes it: h = h * 33 + c over the bytes, h0 = 5381, 32-bit. */
    static int djb2(String s) {
        int h = 5381;
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) h = h * 33 + (b & 0xFF);
        return h;
    }

    public static java.util.Optional<MeshtasticRegion> parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        if (t.equals("EU868")) t = "EU_868";
        if (t.equals("EU433")) t = "EU_433";
        if (t.equals("US915")) t = "US";
        for (MeshtasticRegion r : values()) if (r.name().equals(t)) return java.util.Optional.of(r);
        return java.util.Optional.empty();
    }
}
