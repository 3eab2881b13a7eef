package net.sovereignbridge.p2p.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.fuzz.AllocationLimit;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;

/**
 * Content addressing (docs/content.md): CIDs in binary and text form, dag-pb nodes with their UnixFS data, and
 * the exporter walking a DAG whose blocks come from a stranger.
 */
class ContentFuzzTest {
    /** Binary CIDs: refused with a reason, or a CID that encodes to the input and whose text parses back. */
    @FuzzTest
    void cidBinary(FuzzedDataProvider data) {
        byte[] in = data.consumeRemainingAsBytes();
        Cid cid;
        try {
            cid = Cid.fromBytes(in);
        } catch (IllegalArgumentException e) { // Cid's declared error, with the reason
            AllocationLimit.assertExplained(e);
            return;
        }
        assertArrayEquals(in, cid.toBytes(), "one binary form per CID");
        assertEquals(cid, Cid.parse(cid.toString()), "the text form parses back");
    }

    /** Text CIDs: refused with a reason, or a CID whose text is the input (ignoring case): one text per CID. */
    @FuzzTest
    void cidText(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        Cid cid;
        try {
            cid = Cid.parse(text);
        } catch (IllegalArgumentException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        assertTrue(cid.toString().equalsIgnoreCase(text), "'" + text + "' parsed as " + cid);
    }

    /**
     * dag-pb nodes and their UnixFS data: a ProtoException (an IOException) with a message, or values that a
     * length field cannot have made large or negative: allocation within a small multiple of the block, sizes
     * that are not negative.
     */
    @FuzzTest
    void dagPb(FuzzedDataProvider data) {
        byte[] block = data.consumeRemainingAsBytes();
        try {
            DagPb.Node node = AllocationLimit.check("DagPb.decode", 4L * block.length, () -> DagPb.decode(block));
            for (DagPb.Link l : node.links()) assertTrue(l.cid() != null && l.treeSize() >= 0, "link " + l);
            DagPb.UnixFs fs = AllocationLimit.check("DagPb.unixFs", 4L * block.length, () -> DagPb.unixFs(node.data()));
            assertTrue(fs.fileSize() >= 0, "file size " + fs.fileSize());
            assertTrue(fs.type() >= 0, "type " + fs.type());
            for (long s : fs.blockSizes()) assertTrue(s >= 0, "block size " + s);
        } catch (IOException e) {
            AllocationLimit.assertExplained(e);
        }
    }

    /**
     * A root node built around a stranger's blocks (its links name them by their real CIDs; its block sizes,
     * file size and inline data are fuzzed): the exporter writes at most what was asked and fails only with
     * an IOException that says why.
     */
    @FuzzTest
    void exporter(FuzzedDataProvider data) {
        Map<Cid, byte[]> blocks = new HashMap<>();
        int children = data.consumeInt(0, 6);
        ProtoWriter unixfs = new ProtoWriter().varint(1, data.consumeInt(0, 5));
        if (data.consumeBoolean()) unixfs.bytes(2, data.consumeBytes(data.consumeInt(0, 64)));
        if (data.consumeBoolean()) unixfs.varint(3, data.consumeLong());
        ProtoWriter root = new ProtoWriter();
        List<byte[]> links = new ArrayList<>();
        for (int i = 0; i < children; i++) {
            byte[] child = data.consumeBytes(data.consumeInt(0, 300));
            Cid cid = Cid.of(data.consumeBoolean() ? Cid.RAW : Cid.DAG_PB, child);
            blocks.put(cid, child);
            links.add(new ProtoWriter().bytes(1, cid.toBytes()).varint(3, child.length).toByteArray());
            unixfs.varint(4, data.consumeBoolean() ? child.length : data.consumeLong());
        }
        for (byte[] l : links) root.bytes(2, l);
        root.bytes(1, unixfs.toByteArray());
        byte[] rootBlock = root.toByteArray();
        Cid rootCid = Cid.of(Cid.DAG_PB, rootBlock);
        blocks.put(rootCid, rootBlock);
        UnixFsExporter exporter = new UnixFsExporter(blocks::get);
        long offset = data.consumeLong(0, 4096);
        long length = data.consumeLong(0, 1 << 16);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            long n = exporter.read(rootCid, offset, length, out);
            assertEquals(n, out.size(), "the count is what was written");
            assertTrue(n >= 0 && n <= length, n + " bytes for a read of " + length);
            assertTrue(exporter.size(rootCid) >= 0, "a file size is not negative");
        } catch (IOException e) {
            AllocationLimit.assertExplained(e);
        }
    }
}
