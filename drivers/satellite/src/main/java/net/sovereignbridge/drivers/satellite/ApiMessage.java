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
        String name = fileName(data);
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

    /**
     * Decapsulates as the bytes stream through: the first 260 bytes are kept as the header, the rest goes to
     * {@code payloadSink} while its CRC32 is computed. {@link #finish()} then checks length and CRC; until it
     * returns, what the sink got is unchecked.
     */
    public static final class Unwrapper extends java.io.OutputStream {
        private final java.io.OutputStream payloadSink;
        private final byte[] header = new byte[HEADER_LEN];
        private int headerFill;
        private long payloadLength;
        private final CRC32 crc = new CRC32();

        public Unwrapper(java.io.OutputStream payloadSink) {
            this.payloadSink = payloadSink;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            int h = Math.min(len, HEADER_LEN - headerFill);
            System.arraycopy(b, off, header, headerFill, h);
            headerFill += h;
            if (len > h) {
                crc.update(b, off + h, len - h);
                payloadSink.write(b, off + h, len - h);
                payloadLength += len - h;
            }
        }

        public long payloadLength() {
            return payloadLength;
        }

        /** Checks the header against the payload that streamed through; returns the file name it names. */
        public String finish() throws MalformedPacketException {
            if (headerFill < HEADER_LEN) throw new MalformedPacketException("message of " + headerFill + " bytes is shorter than the 260-byte API header");
            String name = fileName(header);
            long expected = ByteBuffer.wrap(header, 256, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
            if (crc.getValue() != expected)
                throw new BadCrcException(String.format("CRC32 of the %d-byte payload is %08x, header at offset 256 says %08x (file name '%s')",
                        payloadLength, crc.getValue(), expected, name));
            return name;
        }
    }

    /**
     * The NUL-terminated file name at the start of the header, strictly UTF-8: a name that is not would be
     * shown and stored as another name (replacement characters), one that may not even fit the field again.
     */
    private static String fileName(byte[] header) throws MalformedPacketException {
        int nameEnd = 0;
        while (nameEnd < NAME_LEN && header[nameEnd] != 0) nameEnd++;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header, 0, nameEnd)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new MalformedPacketException("file name in bytes 0.." + (nameEnd - 1) + " of the API header is not UTF-8");
        }
    }

    /** The CRC in the header does not match the payload. */
    public static final class BadCrcException extends MalformedPacketException {
        BadCrcException(String m) { super(m); }
    }
}
