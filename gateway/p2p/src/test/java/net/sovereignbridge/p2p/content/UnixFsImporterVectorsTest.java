package net.sovereignbridge.p2p.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test vectors of docs/content.md (computed with npm ipfs-unixfs-importer 17.1.1), without Node. */
class UnixFsImporterVectorsTest {

    private static Cid root(byte[] data, UnixFsImporter.Options options, Map<Cid, byte[]> blocks) throws IOException {
        return new UnixFsImporter(options, blocks::put).importFile(new ByteArrayInputStream(data));
    }

    @Test
    void smallFilesAreOneRawLeaf() throws IOException {
        Map<Cid, byte[]> blocks = new LinkedHashMap<>();
        assertEquals("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", root(new byte[0], UnixFsImporter.IMPORTER_DEFAULTS, blocks).toString());
        assertEquals("bafkreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm", root("a".getBytes(StandardCharsets.US_ASCII), UnixFsImporter.IMPORTER_DEFAULTS, blocks).toString());
        assertEquals("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", root("hello world\n".getBytes(StandardCharsets.US_ASCII), UnixFsImporter.IMPORTER_DEFAULTS, blocks).toString());
        assertEquals("bafkreiekhhjkxu4ztk3tyng3er3ijhg56mb44oe3gwbgquhzu4afrg2ksa", root(new byte[262_144], UnixFsImporter.IMPORTER_DEFAULTS, blocks).toString());
    }

    @Test
    void oneChunkPlusOneByteIsANodeOfTwoLinksByteForByte() throws IOException {
        Map<Cid, byte[]> blocks = new LinkedHashMap<>();
        Cid root = root(new byte[262_145], UnixFsImporter.IMPORTER_DEFAULTS, blocks);
        assertEquals("bafybeigllfqgfpqydppr6cmv56g7ax4wyhruzswvcefv6j5kj77nzttfki", root.toString());
        assertEquals("122c0a24015512208a39d2abd3999ab73c34db2476849cddf303ce389b35826850f9a700589b4a90120018808010"
                + "122a0a24015512206e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d12001801"
                + "0a0c080218818010208080102001", HexFormat.of().formatHex(blocks.get(root)));
        assertEquals("bafkreifspibstbhkrjv6y4amhvxwh6h47p4p7dxyp2lsrep63jhousvnbq", root(new byte[262_145], UnixFsImporter.HELIA_ADD_FILE, blocks).toString());
    }

    @Test
    void aSecondLevelAppearsAfter174Chunks() throws IOException {
        byte[] zeros = new byte[174 * 262_144 + 1];
        assertEquals("bafybeihqwzd3o6q6v3pmwhzjy22vokhr767burokmqemg63hptx2nqd7ym", root(zeros, UnixFsImporter.IMPORTER_DEFAULTS, new LinkedHashMap<>()).toString());
        assertEquals("bafybeihp2d7d2jdhoqc4hit3misyawmwdz4r5uy2lyr2waty7rm65hwdke", root(zeros, UnixFsImporter.HELIA_ADD_FILE, new LinkedHashMap<>()).toString());
    }
}
