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
        int[][] m = new int[k][];
        for (int i = 0; i < k; i++) m[i] = row(ids[i]).clone();
        Gf256.invert(m);
        for (int p = 0; p < k; p++) {
            if (out[p] != null) continue;
            byte[] acc = new byte[size];
            for (int i = 0; i < k; i++) {
                int c = m[p][i];
                if (c == 0) continue;
                byte[] mulRow = Gf256.MUL[c];
                byte[] in = chunks[i];
                for (int x = 0; x < size; x++) acc[x] ^= mulRow[in[x] & 0xFF];
            }
            out[p] = acc;
        }
        return out;
    }
}
