package net.sovereignbridge.drivers.satellite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Blockstream's encapsulation: a 260-byte little-endian header (file name NUL-padded to 255 bytes, one
 * pad byte, CRC32 of the payload) followed by the payload.
 */
public record ApiMessage(String fileName, byte[] payload) {
    public static final int HEADER_LEN = 260;
    static final int NAME_LEN = 255;

    /** Unwraps an encapsulated message; a bad CRC or short message is a {@link MalformedPacketException}. */
    public static ApiMessage decapsulate(byte[] data) throws MalformedPacketException {
        if (data.length < HEADER_LEN) throw new MalformedPacketException("message of " + data.length + " bytes is shorter than the 260-byte API header");
        int nameEnd = 0;
        while (nameEnd < NAME_LEN && data[nameEnd] != 0) nameEnd++;
        String name = new String(data, 0, nameEnd, StandardCharsets.UTF_8);
        long expected = ByteBuffer.wrap(data, 256, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
        CRC32 crc = new CRC32();
        crc.update(data, HEADER_LEN, data.length - HEADER_LEN);
        if (crc.getValue() != expected)
            throw new BadCrcException(String.format("CRC32 of the %d-byte payload is %08x, header at offset 256 says %08x (file name '%s')",
                    data.length - HEADER_LEN, crc.getValue(), expected, name));
        byte[] payload = new byte[data.length - HEADER_LEN];
        System.arraycopy(data, HEADER_LEN, payload, 0, payload.length);
        return new ApiMessage(name, payload);
    }

    public byte[] encapsulate() {
        byte[] name = fileName.getBytes(StandardCharsets.UTF_8);
        if (name.length > NAME_LEN) throw new IllegalArgumentException("file name of " + name.length + " bytes exceeds 255");
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer b = ByteBuffer.allocate(HEADER_LEN + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(name).position(256);
        b.putInt((int) crc.getValue()).put(payload);
        return b.array();
    }

    /** The CRC in the header does not match the payload. */
    public static final class BadCrcException extends MalformedPacketException {
        BadCrcException(String m) { super(m); }
    }
}
