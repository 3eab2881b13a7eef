package net.sovereignbridge.app.transport.lora;

import java.util.Locale;
import java.util.Optional;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.CodingRate;

/**
 * Named modem settings for the {@code preset} key of a board configuration. All presets use our private sync word;
 * LONG_FAST copies the modulation of Meshtastic's default LongFast (SF11, 250 kHz, 4/5, preamble 16).
 */
public enum ModemPreset {
    SHORT_FAST(7, Bandwidth.BW_250, CodingRate.CR_4_5, 8),
    SHORT(7, Bandwidth.BW_125, CodingRate.CR_4_5, 8),
    MEDIUM(9, Bandwidth.BW_125, CodingRate.CR_4_5, 8),
    LONG_FAST(11, Bandwidth.BW_250, CodingRate.CR_4_5, 16),
    LONG_SLOW(12, Bandwidth.BW_125, CodingRate.CR_4_8, 8);

    private final int spreadingFactor;
    private final Bandwidth bandwidth;
    private final CodingRate codingRate;
    private final int preambleLength;

    ModemPreset(int sf, Bandwidth bw, CodingRate cr, int preamble) {
        this.spreadingFactor = sf;
        this.bandwidth = bw;
        this.codingRate = cr;
        this.preambleLength = preamble;
    }

    public int spreadingFactor() {
        return spreadingFactor;
    }

    public Bandwidth bandwidth() {
        return bandwidth;
    }

    public CodingRate codingRate() {
        return codingRate;
    }

    public int preambleLength() {
        return preambleLength;
    }

    /** The YAML spelling: "long-fast". */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<ModemPreset> parse(String text) {
        String k = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ModemPreset p : values()) if (p.key().equals(k) || p.key().replace("-", "").equals(k)) return Optional.of(p);
        return Optional.empty();
    }
}
