package net.sovereignbridge.drivers.audiomodem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReedSolomonTest {
    private static byte[] codeword(ReedSolomon rs, byte[] msg) {
        byte[] cw = new byte[msg.length + rs.paritySymbols()];
        System.arraycopy(msg, 0, cw, 0, msg.length);
        System.arraycopy(rs.parity(msg, 0), 0, cw, msg.length, rs.paritySymbols());
        return cw;
    }

    @Test
    void generatorRootsAreConsecutivePowersOfTwoFromOne() {
        // A codeword evaluates to zero at 2^0..2^(n-1): for the one-byte message [1] with two parity
        // symbols, g(x) = (x + 1)(x + 2) = x^2 + 3x + 2, so the parity of x^2 is x^2 mod g = 3x + 2.
        assertArrayEquals(new byte[] {3, 2}, new ReedSolomon(1, 2).parity(new byte[] {1}, 0));
    }

    @Test
    void correctsUpToHalfTheParityAtAnyPositions() throws Exception {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            int k = 1 + rnd.nextInt(140);
            int n = GgwaveProtocol.paritySymbols(k);
            ReedSolomon rs = new ReedSolomon(k, n);
            byte[] msg = new byte[k];
            rnd.nextBytes(msg);
            byte[] cw = codeword(rs, msg);
            int errors = rnd.nextInt(n / 2 + 1);
            Set<Integer> hit = new HashSet<>();
            while (hit.size() < errors) {
                int p = rnd.nextInt(cw.length);
                if (hit.add(p)) {
                    cw[p] ^= (byte) (1 + rnd.nextInt(255));
                }
            }
            ReedSolomon.Decoded d = rs.decode(cw, 0);
            assertArrayEquals(msg, d.message(), "trial " + trial);
            assertEquals(errors, d.correctedSymbols(), "trial " + trial);
        }
    }

    @Test
    void tooManyErrorsAreReportedNotMiscorrectedIntoTheOriginal() {
        Random rnd = new Random(11);
        int refused = 0;
        for (int trial = 0; trial < 500; trial++) {
            ReedSolomon rs = new ReedSolomon(20, 8);
            byte[] msg = new byte[20];
            rnd.nextBytes(msg);
            byte[] cw = codeword(rs, msg);
            for (int p = 0; p < 6; p++) {
                cw[p * 4] ^= (byte) (1 + rnd.nextInt(255));
            }
            try {
                byte[] out = rs.decode(cw, 0).message();
                assertEquals(false, java.util.Arrays.equals(msg, out), "6 errors cannot come back as the original");
            } catch (ReedSolomon.UncorrectableException e) {
                refused++;
            }
        }
        // A bounded-distance decoder lands on another codeword only rarely with 8 parity symbols.
        assertEquals(true, refused > 480, "refused " + refused + " of 500");
    }

    @Test
    void shortCodewordAndBadShapesAreRefused() {
        assertThrows(ReedSolomon.UncorrectableException.class, () -> new ReedSolomon(5, 4).decode(new byte[8], 0));
        assertThrows(IllegalArgumentException.class, () -> new ReedSolomon(250, 10));
        assertThrows(IllegalArgumentException.class, () -> new ReedSolomon(0, 2));
    }
}
