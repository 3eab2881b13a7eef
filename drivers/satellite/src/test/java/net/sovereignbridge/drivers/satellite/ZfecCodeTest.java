package net.sovereignbridge.drivers.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decodes chunks made by Debian's python3-zfec from every kind of subset. */
class ZfecCodeTest {
    @TempDir Path dir;

    private List<byte[]> zfec(int k, int n, int size, int seed) throws Exception {
        Path script = dir.resolve("zfec_vectors.py");
        if (!script.toFile().exists()) RealPeer.script(dir, "zfec_vectors.py");
        String out = new String(RealPeer.run(dir, "/usr/bin/python3", script.toString(), "" + k, "" + n, "" + size, "" + seed), StandardCharsets.US_ASCII);
        List<byte[]> chunks = new ArrayList<>();
        for (String line : out.strip().split("\n")) chunks.add(HexFormat.of().parseHex(line));
        return chunks;
    }

    private void decodesFromRandomSubsets(int k, int n, int size) throws Exception {
        List<byte[]> chunks = zfec(k, n, size, k * 1000 + n);
        Random r = new Random(k * 31L + n);
        for (int trial = 0; trial < 20; trial++) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) ids.add(i);
            Collections.shuffle(ids, r);
            if (trial == 0) { ids.sort(null); Collections.reverse(ids); } // only secondaries when n >= 2k
            int[] pick = new int[k];
            byte[][] given = new byte[k][];
            for (int i = 0; i < k; i++) { pick[i] = ids.get(i); given[i] = chunks.get(pick[i]); }
            byte[][] primary = ZfecCode.forK(k).decode(pick, given);
            for (int i = 0; i < k; i++) assertArrayEquals(chunks.get(i), primary[i], "k=" + k + " n=" + n + " primary " + i + " from " + ids.subList(0, k));
        }
    }

    @Test void encodesTheSameChunksAsZfec() throws Exception {
        List<byte[]> chunks = zfec(50, 256, 100, 7);
        byte[][] primary = chunks.subList(0, 50).toArray(byte[][]::new);
        for (int id = 0; id < 256; id++) assertArrayEquals(chunks.get(id), ZfecCode.forK(50).encode(primary, id), "chunk " + id);
    }

    @Test void documentedVector() { // docs/satellite.md, made with python3-zfec
        byte[][] primary = {HexFormat.of().parseHex("0102"), HexFormat.of().parseHex("0304"), HexFormat.of().parseHex("0506")};
        String[] secondary = {"092a", "11d2", "2185"};
        for (int i = 0; i < 3; i++) assertArrayEquals(HexFormat.of().parseHex(secondary[i]), ZfecCode.forK(3).encode(primary, 3 + i));
        byte[][] back = ZfecCode.forK(3).decode(new int[] {3, 4, 5}, new byte[][] {HexFormat.of().parseHex("092a"), HexFormat.of().parseHex("11d2"), HexFormat.of().parseHex("2185")});
        for (int i = 0; i < 3; i++) assertArrayEquals(primary[i], back[i]);
    }

    @Test void smallCode() throws Exception { decodesFromRandomSubsets(3, 5, 16); }
    @Test void oneDataChunk() throws Exception { decodesFromRandomSubsets(1, 4, 32); }
    @Test void blockstreamOverheadTenPercent() throws Exception { decodesFromRandomSubsets(232, 256, 64); }
    @Test void blockstreamOverheadQuarter() throws Exception { decodesFromRandomSubsets(204, 256, 64); }
    @Test void onlySecondaries() throws Exception { decodesFromRandomSubsets(40, 100, 1456); }
}
