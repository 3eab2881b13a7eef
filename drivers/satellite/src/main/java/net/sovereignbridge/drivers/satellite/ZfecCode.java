package net.sovereignbridge.drivers.satellite;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Erasure decoding compatible with zfec (Rizzo's systematic Vandermonde Reed-Solomon code): the
 * encoding row of chunk id i is V[i] * inverse(V[0..k)), where V[0] = (1, 0, ..., 0) and
 * V[i] = (alpha^((i-1)*c)) for c in 0..k-1. Rows do not depend on the total chunk count n, so one
 * code per k decodes any n up to 256.
 */
public final class ZfecCode {
    public static final int MAX_CHUNKS = 256;
    private static final Map<Integer, ZfecCode> BY_K = new ConcurrentHashMap<>();

    private final int k;
    /** Rows for chunk ids k..255 (the primary rows are the identity). */
    private final int[][] secondaryRows;

    private ZfecCode(int k) {
        this.k = k;
        int[][] top = new int[k][];
        for (int r = 0; r < k; r++) top[r] = vandermondeRow(r);
        Gf256.invert(top);
        secondaryRows = new int[MAX_CHUNKS - k][];
        for (int id = k; id < MAX_CHUNKS; id++) {
            int[] v = vandermondeRow(id);
            int[] row = new int[k];
            for (int c = 0; c < k; c++) {
                int acc = 0;
                for (int j = 0; j < k; j++) acc ^= Gf256.mul(v[j], top[j][c]);
                row[c] = acc;
            }
            secondaryRows[id - k] = row;
        }
    }

    public static ZfecCode forK(int k) {
        if (k < 1 || k > MAX_CHUNKS) throw new IllegalArgumentException("k " + k + " not in 1..256");
        return BY_K.computeIfAbsent(k, ZfecCode::new);
    }

    public int k() {
        return k;
    }

    private int[] vandermondeRow(int id) {
        int[] row = new int[k];
        if (id == 0) { row[0] = 1; return row; }
        for (int c = 0; c < k; c++) row[c] = Gf256.pow((id - 1) * c);
        return row;
    }

    private int[] row(int id) {
        if (id < k) { int[] r = new int[k]; r[id] = 1; return r; }
        return secondaryRows[id - k];
    }

    /**
     * Recovers the k primary chunks from any k distinct chunks.
     *
     * @param ids    k distinct chunk ids in 0..255
     * @param chunks the chunks, all of the same size, in the order of ids
     * @return the k primary chunks in order (the given arrays where a primary was present)
     */
    public byte[][] decode(int[] ids, byte[][] chunks) {
        if (ids.length != k || chunks.length != k) throw new IllegalArgumentException("need exactly " + k + " chunks, got " + ids.length);
        int size = chunks[0].length;
        byte[][] out = new byte[k][];
        boolean[] seen = new boolean[MAX_CHUNKS];
        for (int i = 0; i < k; i++) {
            if (ids[i] < 0 || ids[i] >= MAX_CHUNKS || seen[ids[i]]) throw new IllegalArgumentException("chunk id " + ids[i] + " repeated or out of range");
            if (chunks[i].length != size) throw new IllegalArgumentException("chunk " + ids[i] + " has " + chunks[i].length + " bytes, not " + size);
            seen[ids[i]] = true;
            if (ids[i] < k) out[ids[i]] = chunks[i];
        }
        boolean missing = false;
        for (byte[] o : out) missing |= o == null;
        if (!missing) return out;
        // Solve only for the m missing primaries: each secondary chunk minus the present primaries' share
        // is a combination of the missing ones, an m x m system (m^3, not k^3, for the usual few losses).
        int[] missingCols = new int[k];
        int m = 0;
        for (int p = 0; p < k; p++) if (out[p] == null) missingCols[m++] = p;
        int[][] a = new int[m][m];
        byte[][] y = new byte[m][];
        int s = 0;
        for (int i = 0; i < k; i++) {
            if (ids[i] < k) continue;
            int[] row = row(ids[i]);
            byte[] acc = chunks[i].clone();
            for (int c = 0; c < k; c++) {
                if (out[c] == null || row[c] == 0) continue;
                byte[] mulRow = Gf256.MUL[row[c]];
                byte[] in = out[c];
                for (int x = 0; x < size; x++) acc[x] ^= mulRow[in[x] & 0xFF];
            }
            for (int j = 0; j < m; j++) a[s][j] = row[missingCols[j]];
            y[s++] = acc;
        }
        Gf256.invert(a);
        for (int j = 0; j < m; j++) {
            byte[] acc = new byte[size];
            for (int t = 0; t < m; t++) {
                int c = a[j][t];
                if (c == 0) continue;
                byte[] mulRow = Gf256.MUL[c];
                byte[] in = y[t];
                for (int x = 0; x < size; x++) acc[x] ^= mulRow[in[x] & 0xFF];
            }
            out[missingCols[j]] = acc;
        }
        return out;
    }

    /**
     * Encodes chunk {@code id} from the k primary chunks, as zfec's encoder does (for test senders and
     * benchmarks; the gateway only receives).
     */
    public byte[] encode(byte[][] primary, int id) {
        if (primary.length != k) throw new IllegalArgumentException("need " + k + " primary chunks, got " + primary.length);
        if (id < k) return primary[id].clone();
        int[] row = row(id);
        byte[] acc = new byte[primary[0].length];
        for (int c = 0; c < k; c++) {
            byte[] mulRow = Gf256.MUL[row[c]];
            byte[] in = primary[c];
            for (int x = 0; x < acc.length; x++) acc[x] ^= mulRow[in[x] & 0xFF];
        }
        return acc;
    }
}
