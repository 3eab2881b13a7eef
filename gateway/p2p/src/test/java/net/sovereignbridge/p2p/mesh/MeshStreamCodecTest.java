package net.sovereignbridge.p2p.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The /sbridge/mesh/1.0.0 framing: the byte vectors of docs/p2p.md, limits, and random input. */
class MeshStreamCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int MTU = MeshOverlayTransport.MTU;

    @Test
    void vectorsOfDocsP2pMd() throws IOException {
        // a 3-byte frame: length 03, then the bytes
        assertEquals("03112233", HEX.formatHex(MeshStreamCodec.encode(HEX.parseHex("112233"), MTU)));
        // 200 bytes: uvarint 200 = c8 01
        byte[] f200 = new byte[200];
        assertEquals("c801", HEX.formatHex(MeshStreamCodec.encode(f200, MTU), 0, 2));
        // the largest frame, 65024 bytes: uvarint 65024 = 80 fc 03
        byte[] max = new byte[MTU];
        byte[] enc = MeshStreamCodec.encode(max, MTU);
        assertEquals("80fc03", HEX.formatHex(enc, 0, 3));
        assertEquals(MTU + 3, enc.length);
        // two frames back to back, then a clean end
        ByteArrayInputStream in = new ByteArrayInputStream(HEX.parseHex("03112233" + "01ff"));
        assertArrayEquals(HEX.parseHex("112233"), MeshStreamCodec.read(in, MTU));
        assertArrayEquals(HEX.parseHex("ff"), MeshStreamCodec.read(in, MTU));
        assertNull(MeshStreamCodec.read(in, MTU));
    }

    @Test
    void badPrefixesAndOversizedFramesAreRefusedBeforeTheBody() {
        assertTrue(fails("00").contains("zero-length"));
        assertTrue(fails("8000").contains("non-minimal"));
        assertTrue(fails("81fc03").contains("over the limit"), fails("81fc03")); // 65025 = MTU + 1
        assertTrue(fails("ffffffff0f").contains("longer than 3"));
        assertThrows(EOFException.class, () -> MeshStreamCodec.read(new ByteArrayInputStream(HEX.parseHex("80")), MTU));
        assertThrows(EOFException.class, () -> MeshStreamCodec.read(new ByteArrayInputStream(HEX.parseHex("051122")), MTU));
        assertThrows(IllegalArgumentException.class, () -> MeshStreamCodec.encode(new byte[0], MTU));
        assertThrows(IllegalArgumentException.class, () -> MeshStreamCodec.encode(new byte[MTU + 1], MTU));
    }

    private static String fails(String hex) {
        return assertThrows(MeshStreamCodec.FrameException.class,
                () -> MeshStreamCodec.read(new ByteArrayInputStream(HEX.parseHex(hex)), MTU)).getMessage();
    }

    @Property(tries = 300)
    void encodeThenReadGivesTheFrame(@ForAll @Size(min = 1, max = 20_000) byte[] frame) throws IOException {
        assertArrayEquals(frame, MeshStreamCodec.read(new ByteArrayInputStream(MeshStreamCodec.encode(frame, MTU)), MTU));
    }

    /** Random bytes give frames within the limit, a typed error or EOF: never anything else, never a bigger array. */
    @Property(tries = 1000)
    void randomInputNeverExceedsTheLimit(@ForAll @Size(max = 64) byte[] junk) {
        ByteArrayInputStream in = new ByteArrayInputStream(junk);
        try {
            byte[] f;
            while ((f = MeshStreamCodec.read(in, 16)) != null) assertTrue(f.length >= 1 && f.length <= 16);
        } catch (MeshStreamCodec.FrameException | EOFException expected) {
            // typed refusal
        } catch (IOException e) {
            throw new AssertionError("untyped error " + e);
        }
    }
}
