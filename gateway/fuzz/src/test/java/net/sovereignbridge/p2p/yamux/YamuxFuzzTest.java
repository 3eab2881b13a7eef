package net.sovereignbridge.p2p.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * Yamux frames as the session reads them: hostile bytes cut into arbitrary chunks (as Noise messages
 * deliver them). Every header decodes to one that re-encodes to its 12 bytes, bodies never exceed the
 * limit, and the concatenation of everything read is a prefix of the input.
 */
class YamuxFuzzTest {
    private static final long MAX_DATA = 1024;

    @FuzzTest
    void frames(FuzzedDataProvider data) {
        ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (data.remainingBytes() > 0) {
            byte[] c = data.consumeBytes(data.consumeInt(0, 64));
            chunks.add(c);
            all.writeBytes(c);
        }
        byte[] input = all.toByteArray();
        YamuxFrameReader reader = new YamuxFrameReader(chunks::poll, MAX_DATA);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try {
            for (int i = 0; i < 32; i++) {
                YamuxHeader h = AllocationLimit.check("YamuxFrameReader.readHeader", 0, reader::readHeader);
                if (h == null) break;
                read.writeBytes(h.encode());
                if (h.type() == YamuxHeader.TYPE_DATA) {
                    assertTrue(h.length() <= MAX_DATA, "a Data header over the limit was returned");
                    if ((i & 1) == 0) {
                        read.writeBytes(AllocationLimit.check("YamuxFrameReader.readBody", 2 * MAX_DATA,
                                () -> reader.readBody((int) h.length())));
                    } else {
                        reader.skipBody(h.length());
                        read.write(input, read.size(), (int) h.length());
                    }
                }
            }
        } catch (IOException e) {
            AllocationLimit.assertExplained(e);
        }
        byte[] got = read.toByteArray();
        assertArrayEquals(java.util.Arrays.copyOf(input, got.length), got, "what was read is the input, re-encoded");
    }
}
