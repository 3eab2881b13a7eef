package net.sovereignbridge.drivers.audiomodem;

import java.util.Locale;

/**
 * ggwave's variable-length multi-tone protocols, as ggwave 0.4 defines them (facts from its public source).
 *
 * <p>At 48 kHz with 1024-sample frames one FFT bin is 46.875 Hz. A transmission is a 16-frame start marker,
 * the data, and a 16-frame end marker. The data is sent {@link #bytesPerTx} bytes at a time, each chunk held
 * for {@link #framesPerTx} frames: every byte becomes two tones, its low nibble first, nibble {@code n} of the
 * chunk with value {@code d} at bin {@code freqStart + 16 n + d}. The ultrasound protocols therefore occupy
 * bins 320-415 (15.0-19.5 kHz), the audible ones bins 40-135 (1.9-6.3 kHz).
 */
public enum GgwaveProtocol {
    NORMAL("Normal", 40, 9),
    FAST("Fast", 40, 6),
    FASTEST("Fastest", 40, 3),
    ULTRASOUND_NORMAL("[U] Normal", 320, 9),
    ULTRASOUND_FAST("[U] Fast", 320, 6),
    ULTRASOUND_FASTEST("[U] Fastest", 320, 3);

    public static final int SAMPLE_RATE = 48_000;
    public static final int SAMPLES_PER_FRAME = 1024;
    public static final int BYTES_PER_TX = 3;
    public static final int MARKER_FRAMES = 16;
    public static final int MARKER_TONES = 16;
    /** Bytes before the payload: its length and two Reed-Solomon parity symbols of that length. */
    public static final int LENGTH_FIELD_BYTES = 3;
    public static final int MAX_PAYLOAD = 140;

    private final String ggwaveName;
    private final int freqStart;
    private final int framesPerTx;

    GgwaveProtocol(String ggwaveName, int freqStart, int framesPerTx) {
        this.ggwaveName = ggwaveName;
        this.freqStart = freqStart;
        this.framesPerTx = framesPerTx;
    }

    /** The name ggwave prints for this protocol. */
    public String ggwaveName() {
        return ggwaveName;
    }

    /** The lowest FFT bin (of a 1024-point FFT at 48 kHz) the protocol uses. */
    public int freqStart() {
        return freqStart;
    }

    public int framesPerTx() {
        return framesPerTx;
    }

    /** The CLI spelling: ggwave-u-normal, ggwave-fast, ... */
    public String cliName() {
        return "ggwave-" + name().toLowerCase(Locale.ROOT).replace("ultrasound_", "u-");
    }

    /** Reed-Solomon parity symbols ggwave adds to a payload of {@code length} bytes. */
    public static int paritySymbols(int length) {
        return length < 4 ? 2 : Math.max(4, 2 * (length / 5));
    }

    /** Frames of a whole transmission (markers included) for a payload of {@code length} bytes. */
    public int frames(int length) {
        return 2 * MARKER_FRAMES + chunks(length) * framesPerTx;
    }

    /** Data chunks for a payload of {@code length} bytes. */
    public static int chunks(int length) {
        int total = LENGTH_FIELD_BYTES + length + paritySymbols(length);
        return (total + BYTES_PER_TX - 1) / BYTES_PER_TX;
    }

    /** Net payload bits per second for a payload of {@code length} bytes (markers and parity counted as cost). */
    public double netBitRate(int length) {
        return 8.0 * length * SAMPLE_RATE / ((double) frames(length) * SAMPLES_PER_FRAME);
    }

    public static GgwaveProtocol fromCliName(String name) {
        for (GgwaveProtocol p : values()) {
            if (p.cliName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown ggwave mode '" + name + "'");
    }
}
