package net.sovereignbridge.drivers.satellite;

/** GF(2^8) with the polynomial x^8+x^4+x^3+x^2+1 (0x11d) and generator 2: the field zfec computes in. */
final class Gf256 {
    static final byte[] EXP = new byte[510];
    static final int[] LOG = new int[256];
    /** MUL[a][b] = a*b; 64 KiB, so the decode inner loop is one table lookup per byte. */
    static final byte[][] MUL = new byte[256][256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = (byte) x;
            EXP[i + 255] = (byte) x;
            LOG[x] = i;
            x <<= 1;
            if ((x & 0x100) != 0) x ^= 0x11d;
        }
        for (int a = 1; a < 256; a++)
            for (int b = 1; b < 256; b++) MUL[a][b] = EXP[LOG[a] + LOG[b]];
    }

    private Gf256() {}

    static int mul(int a, int b) {
        return MUL[a][b] & 0xFF;
    }

    static int inverse(int a) {
        if (a == 0) throw new ArithmeticException("0 has no inverse in GF(256)");
        return EXP[255 - LOG[a]] & 0xFF;
    }

    /** alpha^e for any e >= 0. */
    static int pow(int e) {
        return EXP[e % 255] & 0xFF;
    }

    /** Inverts a square matrix in place (Gauss-Jordan); throws if it is singular. */
    static void invert(int[][] m) {
        int n = m.length;
        int[][] inv = new int[n][n];
        for (int i = 0; i < n; i++) inv[i][i] = 1;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            while (pivot < n && m[pivot][col] == 0) pivot++;
            if (pivot == n) throw new ArithmeticException("singular matrix");
            int[] t = m[pivot]; m[pivot] = m[col]; m[col] = t;
            t = inv[pivot]; inv[pivot] = inv[col]; inv[col] = t;
            int f = inverse(m[col][col]);
            for (int j = 0; j < n; j++) { m[col][j] = mul(m[col][j], f); inv[col][j] = mul(inv[col][j], f); }
            for (int r = 0; r < n; r++) {
                int c = m[r][col];
                if (r == col || c == 0) continue;
                for (int j = 0; j < n; j++) { m[r][j] ^= mul(c, m[col][j]); inv[r][j] ^= mul(c, inv[col][j]); }
            }
        }
        for (int i = 0; i < n; i++) m[i] = inv[i];
    }
}
