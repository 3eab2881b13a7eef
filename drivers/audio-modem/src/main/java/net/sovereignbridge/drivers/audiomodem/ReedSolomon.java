package net.sovereignbridge.drivers.audiomodem;

import java.util.Arrays;

/**
 * A systematic Reed-Solomon code over GF(2^8) with the primitive polynomial x^8+x^4+x^3+x^2+1 (0x11d),
 * generator element 2 and first consecutive root 2^0: g(x) = (x - 1)(x - 2)...(x - 2^(n-1)) for n parity
 * symbols. The codeword is the message followed by its n parity symbols, the first byte being the highest
 * power. This is the code ggwave puts on the air; the decoder (syndromes, Berlekamp-Massey, Chien search,
 * Forney) corrects up to n/2 symbol errors and reports anything beyond that as a failure.
 */
public final class ReedSolomon {
    private static final int[] EXP = new int[512];
    private static final int[] LOG = new int[256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = x;
            LOG[x] = i;
            x <<= 1;
            if ((x & 0x100) != 0) {
                x ^= 0x11d;
            }
        }
        for (int i = 255; i < 512; i++) {
            EXP[i] = EXP[i - 255];
        }
    }

    /** The received word could not be corrected (more errors than the parity can fix). */
    public static final class UncorrectableException extends Exception {
        UncorrectableException(String message) {
            super(message);
        }
    }

    private final int messageLength;
    private final int paritySymbols;
    private final int[] generator;

    public ReedSolomon(int messageLength, int paritySymbols) {
        if (messageLength < 1 || paritySymbols < 1 || messageLength + paritySymbols > 255) {
            throw new IllegalArgumentException("RS(" + (messageLength + paritySymbols) + "," + messageLength
                    + ") does not fit GF(256): message 1.., parity 1.., total at most 255");
        }
        this.messageLength = messageLength;
        this.paritySymbols = paritySymbols;
        int[] g = {1};
        for (int i = 0; i < paritySymbols; i++) {
            g = polyMul(g, new int[] {1, EXP[i]});
        }
        this.generator = g;
    }

    public int messageLength() {
        return messageLength;
    }

    public int paritySymbols() {
        return paritySymbols;
    }

    /** The parity symbols of {@code message[offset, offset + messageLength)}. */
    public byte[] parity(byte[] message, int offset) {
        int[] work = new int[messageLength + paritySymbols];
        for (int i = 0; i < messageLength; i++) {
            work[i] = message[offset + i] & 0xff;
        }
        for (int i = 0; i < messageLength; i++) {
            int coef = work[i];
            if (coef != 0) {
                for (int j = 1; j < generator.length; j++) {
                    work[i + j] ^= mul(generator[j], coef);
                }
            }
        }
        byte[] out = new byte[paritySymbols];
        for (int i = 0; i < paritySymbols; i++) {
            out[i] = (byte) work[messageLength + i];
        }
        return out;
    }

    /** Corrects {@code codeword[offset, offset + messageLength + paritySymbols)} and returns the message. */
    public Decoded decode(byte[] codeword, int offset) throws UncorrectableException {
        int n = messageLength + paritySymbols;
        if (codeword.length - offset < n) {
            throw new UncorrectableException("codeword needs " + n + " bytes, " + (codeword.length - offset) + " given");
        }
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = codeword[offset + i] & 0xff;
        }
        int[] syndromes = new int[paritySymbols];
        boolean clean = true;
        for (int i = 0; i < paritySymbols; i++) {
            syndromes[i] = evaluate(r, EXP[i]);
            clean &= syndromes[i] == 0;
        }
        if (clean) {
            return new Decoded(toBytes(r, messageLength), 0);
        }
        int[] locator = berlekampMassey(syndromes);
        int errors = locator.length - 1;
        if (2 * errors > paritySymbols) {
            throw new UncorrectableException("more than " + paritySymbols / 2 + " symbol errors");
        }
        // Chien search: position p (0 = first byte) is in error when the locator vanishes at 2^-(n-1-p).
        int[] positions = new int[errors];
        int found = 0;
        for (int p = 0; p < n; p++) {
            int power = n - 1 - p;
            if (evaluateLowFirst(locator, EXP[(255 - power) % 255]) == 0) {
                if (found == errors) {
                    throw new UncorrectableException("error locator has more roots than its degree");
                }
                positions[found++] = p;
            }
        }
        if (found != errors) {
            throw new UncorrectableException(errors + " errors located, " + found + " positions found");
        }
        // Forney: magnitude = X * Omega(X^-1) / Lambda'(X^-1) for first root 2^0.
        int[] omega = new int[paritySymbols];
        for (int i = 0; i < paritySymbols; i++) {
            int v = 0;
            for (int j = 0; j <= i && j < locator.length; j++) {
                v ^= mul(locator[j], syndromes[i - j]);
            }
            omega[i] = v;
        }
        for (int k = 0; k < errors; k++) {
            int power = n - 1 - positions[k];
            int x = EXP[power];
            int xInv = EXP[(255 - power) % 255];
            int num = evaluateLowFirst(omega, xInv);
            int den = 0;
            for (int j = 1; j < locator.length; j += 2) {
                den ^= mul(locator[j], pow(xInv, j - 1));
            }
            if (den == 0) {
                throw new UncorrectableException("error evaluator vanished");
            }
            r[positions[k]] ^= mul(x, div(num, den));
        }
        for (int i = 0; i < paritySymbols; i++) {
            if (evaluate(r, EXP[i]) != 0) {
                throw new UncorrectableException("correction did not yield a codeword");
            }
        }
        return new Decoded(toBytes(r, messageLength), errors);
    }

    /** A corrected message and how many symbols were wrong. */
    public record Decoded(byte[] message, int correctedSymbols) {
    }

    /** Lambda(x) = 1 + l1 x + ... (lowest power first) from the syndromes S_0..S_(n-1). */
    private static int[] berlekampMassey(int[] s) {
        int[] c = new int[s.length + 1];
        int[] b = new int[s.length + 1];
        c[0] = 1;
        b[0] = 1;
        int length = 0;
        int m = 1;
        int lastDiscrepancy = 1;
        for (int i = 0; i < s.length; i++) {
            int d = s[i];
            for (int j = 1; j <= length; j++) {
                d ^= mul(c[j], s[i - j]);
            }
            if (d == 0) {
                m++;
            } else if (2 * length <= i) {
                int[] t = c.clone();
                int coef = div(d, lastDiscrepancy);
                for (int j = 0; j + m < c.length; j++) {
                    c[j + m] ^= mul(coef, b[j]);
                }
                length = i + 1 - length;
                b = t;
                lastDiscrepancy = d;
                m = 1;
            } else {
                int coef = div(d, lastDiscrepancy);
                for (int j = 0; j + m < c.length; j++) {
                    c[j + m] ^= mul(coef, b[j]);
                }
                m++;
            }
        }
        return Arrays.copyOf(c, length + 1);
    }

    private static byte[] toBytes(int[] r, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) r[i];
        }
        return out;
    }

    /** Evaluates a polynomial stored highest power first (the codeword order). */
    private static int evaluate(int[] highFirst, int x) {
        int y = 0;
        for (int c : highFirst) {
            y = mul(y, x) ^ c;
        }
        return y;
    }

    private static int evaluateLowFirst(int[] lowFirst, int x) {
        int y = 0;
        for (int i = lowFirst.length - 1; i >= 0; i--) {
            y = mul(y, x) ^ lowFirst[i];
        }
        return y;
    }

    private static int[] polyMul(int[] a, int[] b) {
        int[] out = new int[a.length + b.length - 1];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                out[i + j] ^= mul(a[i], b[j]);
            }
        }
        return out;
    }

    static int mul(int a, int b) {
        return a == 0 || b == 0 ? 0 : EXP[LOG[a] + LOG[b]];
    }

    private static int div(int a, int b) {
        return a == 0 ? 0 : EXP[(LOG[a] + 255 - LOG[b]) % 255];
    }

    private static int pow(int a, int e) {
        if (e == 0) {
            return 1;
        }
        return a == 0 ? 0 : EXP[(LOG[a] * e) % 255];
    }
}
