package net.sovereignbridge.p2p.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.p2p.js.MiniJson;
import org.junit.jupiter.api.Test;

/**
 * Our root CIDs against the npm ipfs-unixfs-importer 17.1.1 (src/test/js/unixfs-peer/cids.mjs) for the
 * edge-case corpus, with the importer's defaults and with the 1 MiB / 1024-link settings.
 */
class UnixFsImporterJsTest {
    private static final int K256 = 262_144;

    @Test
    void rootCidsEqualTheNpmImportersForTheCorpus() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/unixfs-corpus").toAbsolutePath());
        Map<String, Integer> sizes = new java.util.LinkedHashMap<>();
        sizes.put("empty", 0);
        sizes.put("one-byte", 1);
        sizes.put("one-chunk", K256);
        sizes.put("one-chunk-plus-1", K256 + 1);
        sizes.put("174-chunks", 174 * K256);
        sizes.put("174-chunks-plus-1", 174 * K256 + 1);
        sizes.put("random-5mb", 5_000_003);
        sizes.put("one-mib-plus-1", 1_048_577);
        Random random = new Random(18);
        List<String> files = new ArrayList<>();
        for (var e : sizes.entrySet()) {
            byte[] data = new byte[e.getValue()];
            random.nextBytes(data);
            Path f = dir.resolve(e.getKey());
            Files.write(f, data);
            files.add(f.toString());
        }
        Map<String, Map<String, Object>> js = npmCids(files);
        for (String f : files) {
            Map<String, Object> expected = js.get(f);
            assertEquals(expected.get("importer"), importFile(Path.of(f), UnixFsImporter.IMPORTER_DEFAULTS).toString(), f + " with the importer defaults");
            assertEquals(expected.get("helia"), importFile(Path.of(f), UnixFsImporter.HELIA_ADD_FILE).toString(), f + " with 1 MiB chunks and 1024 links");
        }
    }

    @Test
    void everyBlockMatchesItsCidAndTheTreeHasTheExpectedShape() throws IOException {
        List<Cid> cids = new ArrayList<>();
        BlockSink sink = (cid, block) -> {
            assertTrue(cid.matches(block), "block under " + cid);
            cids.add(cid);
        };
        Cid root = new UnixFsImporter(new UnixFsImporter.Options(4, 3), sink).importFile(new java.io.ByteArrayInputStream(new byte[4 * 4 + 1]));
        // 5 leaves (4 distinct and one tail), links 3: two parents, then the root over them
        assertEquals(Cid.DAG_PB, root.codec());
        assertEquals(5 + 2 + 1, cids.size());
        assertEquals(root, cids.get(cids.size() - 1));
    }

    private static Cid importFile(Path f, UnixFsImporter.Options options) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return new UnixFsImporter(options, (cid, block) -> {}).importFile(in);
        }
    }

    private static Map<String, Map<String, Object>> npmCids(List<String> files) throws Exception {
        Path folder = Path.of("src/test/js/unixfs-peer").toAbsolutePath();
        if (!Files.isDirectory(folder.resolve("node_modules"))) {
            Process ci = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(folder.toFile()).inheritIO().start();
            assertEquals(0, ci.waitFor(), "npm ci in " + folder);
        }
        List<String> cmd = new ArrayList<>(List.of("node", "cids.mjs"));
        cmd.addAll(files);
        Process p = new ProcessBuilder(cmd).directory(folder.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Map<String, Object>> out = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Map<String, Object> m = MiniJson.parseObject(line);
                out.put((String) m.get("file"), m);
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "node cids.mjs finished");
        assertEquals(0, p.exitValue(), "node cids.mjs exit status");
        assertEquals(files.size(), out.size(), "one CID line per file");
        return out;
    }
}
