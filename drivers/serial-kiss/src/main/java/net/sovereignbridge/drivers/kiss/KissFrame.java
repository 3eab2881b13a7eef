package net.sovereignbridge.drivers.kiss;

import java.util.HexFormat;
import java.util.Objects;

/**
 * One decoded KISS frame: its type byte (port in the high nibble, command in the low one) and the unescaped bytes
 * after it.
 */
public record KissFrame(int type, byte[] data) {
    public KissFrame {
        if (type < 0 || type > 0xFF) throw new IllegalArgumentException("type byte out of range: " + type);
        Objects.requireNonNull(data, "data");
    }

    public int port() {
        return type >> 4;
    }

    public int command() {
        return type & 0x0F;
    }

    public boolean isData() {
        return command() == Kiss.DATA;
    }

    /** The frame as it goes on the wire. */
    public byte[] encode() {
        return Kiss.encode(type, data);
    }

    @Override
    public String toString() {
        return String.format("KissFrame[type=%02x, %d bytes: %s]", type, data.length,
                HexFormat.of().formatHex(data, 0, Math.min(data.length, 32)) + (data.length > 32 ? "..." : ""));
    }
}
