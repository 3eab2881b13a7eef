package net.sovereignbridge.p2p.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;
import org.junit.jupiter.api.Test;

/** Decoding a stranger's CIDs and dag-pb blocks: the cases the content fuzz targets pin (ContentFuzzTest). */
class ContentDecodingTest {
    static final Cid HELLO = Cid.of(Cid.RAW, "hello".getBytes(StandardCharsets.UTF_8));

    @Test
    void aCidHasOneTextForm() {
        String text = HELLO.toString();
        assertEquals(HELLO, Cid.parse(text));
        assertEquals(HELLO, Cid.parse(text.toUpperCase().replaceFirst("^B", "b")), "case is not significant");
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> Cid.parse(text + "a"));
        assertTrue(extra.getMessage().contains("not canonical"), extra.getMessage());
        // 36 bytes in 58 characters leave 2 padding bits: the last character with them set spells the same bytes.
        char last = text.charAt(text.length() - 1);
        String padded = text.substring(0, text.length() - 1)
                + "abcdefghijklmnopqrstuvwxyz234567".charAt("abcdefghijklmnopqrstuvwxyz234567".indexOf(last) | 1);
        if (!padded.equals(text)) {
            IllegalArgumentException bits = assertThrows(IllegalArgumentException.class, () -> Cid.parse(padded));
            assertTrue(bits.getMessage().contains("are not zero"), bits.getMessage());
        }
    }

    @Test
    void sizesOf2To63OrMoreAreRefusedNotReadAsNegative() throws Exception {
        byte[] child = "child".getBytes(StandardCharsets.UTF_8);
        Cid childCid = Cid.of(Cid.RAW, child);
        byte[] data = new ProtoWriter().varint(1, 2).varint(4, -5L).toByteArray(); // blocksize 2^64 - 5
        byte[] root = new ProtoWriter().bytes(2, new ProtoWriter().bytes(1, childCid.toBytes()).toByteArray())
                .bytes(1, data).toByteArray();
        ProtoException e = assertThrows(ProtoException.class, () -> DagPb.unixFs(DagPb.decode(root).data()));
        assertTrue(e.getMessage().contains("blocksize 18446744073709551611 is over 2^63"), e.getMessage());
        Cid rootCid = Cid.of(Cid.DAG_PB, root);
        UnixFsExporter exporter = new UnixFsExporter(Map.of(rootCid, root, childCid, child)::get);
        // Before: the exporter counted backwards and failed with IndexOutOfBoundsException.
        assertThrows(IOException.class, () -> exporter.read(rootCid, 0, 100, new ByteArrayOutputStream()));
        byte[] hugeSize = new ProtoWriter().varint(1, 2).varint(3, Long.MIN_VALUE).toByteArray();
        assertThrows(ProtoException.class, () -> DagPb.unixFs(hugeSize));
        byte[] hugeType = new ProtoWriter().varint(1, 1L << 32).toByteArray();
        assertThrows(ProtoException.class, () -> DagPb.unixFs(hugeType));
    }
}
