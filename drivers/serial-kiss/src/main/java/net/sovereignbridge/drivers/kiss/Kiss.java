package net.sovereignbridge.drivers.kiss;

import java.io.ByteArrayOutputStream;

/**
 * KISS framing (the "keep it simple, stupid" host-to-TNC protocol of Chepponis and Karn, 1987): a frame is
 * {@code FEND, type, data..., FEND} where the type byte holds the TNC port in its high nibble and the command in its
 * low nibble, and FEND/FESC inside are escaped as {@code FESC TFEND} and {@code FESC TFESC}. Layouts and vectors:
 * docs/serial.md.
 */
public final class Kiss {
    public static final int FEND = 0xC0;
    public static final int FESC = 0xDB;
    public static final int TFEND = 0xDC;
    public static final int TFESC = 0xDD;

    /** Command nibbles of the type byte. */
    public static final int DATA = 0x00;
    public static final int TXDELAY = 0x01;
    public static final int PERSISTENCE = 0x02;
    public static final int SLOTTIME = 0x03;
    public static final int TXTAIL = 0x04;
    public static final int FULLDUPLEX = 0x05;
    public static final int SETHARDWARE = 0x06;
    /** The whole type byte 0xFF (not a port/command pair): leave KISS mode. */
    public static final int RETURN = 0xFF;

    private Kiss() {}

    /** A data frame for TNC port {@code port} (0..15). */
    public static byte[] data(int port, byte[] payload) {
        return encode(typeByte(port, DATA), payload);
    }

    /** The type byte of {@code command} on {@code port}. */
    public static int typeByte(int port, int command) {
        if (port < 0 || port > 15) throw new IllegalArgumentException("KISS port must be 0..15, got " + port);
        if (command < 0 || command > 15) throw new IllegalArgumentException("KISS command must be 0..15, got " + command);
        return (port << 4) | command;
    }

    /** {@code FEND type escaped(payload) FEND}; {@code type} is the whole byte (port and command, or RETURN). */
    public static byte[] encode(int type, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
        out.write(FEND);
        escapeInto(out, type & 0xFF);
        for (byte b : payload) escapeInto(out, b & 0xFF);
        out.write(FEND);
        return out.toByteArray();
    }

    private static void escapeInto(ByteArrayOutputStream out, int b) {
        if (b == FEND) {
            out.write(FESC);
            out.write(TFEND);
        } else if (b == FESC) {
            out.write(FESC);
            out.write(TFESC);
        } else {
            out.write(b);
        }
    }
}
