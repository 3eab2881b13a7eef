package net.sovereignbridge.drivers.meshtastic;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The stream API of a Meshtastic device on USB serial or TCP port 4403 (meshtastic docs, "Client API"): each
 * protobuf (ToRadio to the device, FromRadio from it) is framed as {@code 94 C3 <length u16 big-endian> <bytes>},
 * length at most 512. Between frames a device prints its debug log as plain text, so the decoder hunts for the
 * start bytes and counts what it skipped; a header announcing more than 512 bytes is not a frame (the firmware
 * never sends one): the decoder skips its first byte and hunts on.
 *
 * <p>Not thread-safe: one decoder per stream.
 */
public final class StreamFraming {
    public static final int START1 = 0x94, START2 = 0xC3;
    public static final int MAX_PAYLOAD = 512;

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long skippedBytes;
    private long oversizeHeaders;

    public static byte[] frame(byte[] protobuf) {
        if (protobuf.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("stream frames carry at most " + MAX_PAYLOAD + " bytes, got " + protobuf.length);
        }
        byte[] f = new byte[4 + protobuf.length];
        f[0] = (byte) START1;
        f[1] = (byte) START2;
        f[2] = (byte) (protobuf.length >> 8);
        f[3] = (byte) protobuf.length;
        System.arraycopy(protobuf, 0, f, 4, protobuf.length);
        return f;
    }

    /** Feeds bytes read from the stream; returns the complete frames' payloads, in order. */
    public List<byte[]> feed(byte[] data, int offset, int length) {
        pending.write(data, offset, length);
        byte[] buf = pending.toByteArray();
        List<byte[]> frames = new ArrayList<>();
        int i = 0;
        while (true) {
            int start = i;
            while (i < buf.length && (buf[i] & 0xFF) != START1) i++;
            skippedBytes += i - start;
            if (buf.length - i < 4) break; // maybe a header still arriving
            if ((buf[i + 1] & 0xFF) != START2) {
                i++;
                skippedBytes++;
                continue;
            }
            int len = ((buf[i + 2] & 0xFF) << 8) | (buf[i + 3] & 0xFF);
            if (len > MAX_PAYLOAD) {
                oversizeHeaders++;
                skippedBytes++;
                i++;
                continue;
            }
            if (buf.length - i - 4 < len) break;
            byte[] payload = new byte[len];
            System.arraycopy(buf, i + 4, payload, 0, len);
            frames.add(payload);
            i += 4 + len;
        }
        pending.reset();
        pending.write(buf, i, buf.length - i);
        return frames;
    }

    public List<byte[]> feed(byte[] data) {
        return feed(data, 0, data.length);
    }

    /** Bytes that were not part of a frame (the device's log text, line noise). */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Start bytes followed by a length above 512. */
    public long oversizeHeaders() {
        return oversizeHeaders;
    }
}
