package net.sovereignbridge.p2p.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.fuzz.AllocationLimit;
import net.sovereignbridge.mesh.identity.NodeIdentity;

/** Noise XX as libp2p uses it: the 2-byte-length framing, the handshake messages and the handshake payload. */
class NoiseFuzzTest {
    private static final byte[] RESPONDER_STATIC = filled(7);
    private static final byte[] INITIATOR_STATIC = filled(9);
    private static final NodeIdentity INITIATOR_ID = NodeIdentity.fromSeed(filled(3));

    /** The frame reader: a hostile length allocates at most the 65535 bytes a frame can hold. */
    @FuzzTest
    void frames(byte[] input) {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        for (int i = 0; i < 8; i++) {
            try {
                byte[] m = AllocationLimit.check("NoiseSecureChannel.readFrame", 0xFFFF,
                        () -> NoiseSecureChannel.readFrame(in));
                assertEquals(true, m.length <= 0xFFFF);
            } catch (IOException e) {
                AllocationLimit.assertExplained(e);
                return;
            }
        }
    }

    /** The responder side of a handshake fed hostile first and third messages. */
    @FuzzTest
    void responder(FuzzedDataProvider data) {
        byte[] first = data.consumeBytes(data.consumeInt(0, 200));
        byte[] third = data.consumeRemainingAsBytes();
        NoiseXX responder = new NoiseXX(false, RESPONDER_STATIC, random(1));
        try {
            responder.readMessage(first);
            responder.writeMessage(new byte[0]);
            byte[] payload = responder.readMessage(third);
            NoiseHandshakePayload.verifyPayload(payload, responder.remoteStaticPublic(), null);
        } catch (NoiseException e) {
            AllocationLimit.assertExplained(e);
        }
    }

    /** The handshake payload (identity key, signature, extensions) against a fixed remote static key. */
    @FuzzTest
    void payload(byte[] input) {
        try {
            AllocationLimit.check("NoiseHandshakePayload.verifyPayload", 4L * input.length,
                    () -> NoiseHandshakePayload.verifyPayload(input, NoiseXX.publicOf(INITIATOR_STATIC), null));
        } catch (NoiseException e) {
            AllocationLimit.assertExplained(e);
        }
    }

    /**
     * A complete handshake between our initiator and responder carries fuzzed payloads both ways and ends
     * in cipher states that agree; a flipped bit in the third message makes the responder fail.
     */
    @FuzzTest
    void handshakeRoundTrip(FuzzedDataProvider data) throws NoiseException {
        byte[] p1 = data.consumeBytes(data.consumeInt(0, 100));
        byte[] p2 = data.consumeBytes(data.consumeInt(0, 100));
        List<String> muxers = data.consumeBoolean() ? List.of("/yamux/1.0.0") : List.of();
        int flipAt = data.consumeInt();
        byte[] transport = data.consumeRemainingAsBytes();
        NoiseXX initiator = new NoiseXX(true, INITIATOR_STATIC, random(2));
        NoiseXX responder = new NoiseXX(false, RESPONDER_STATIC, random(3));
        assertArrayEquals(p1, responder.readMessage(initiator.writeMessage(p1)));
        assertArrayEquals(p2, initiator.readMessage(responder.writeMessage(p2)));
        byte[] p3 = NoiseHandshakePayload.encode(INITIATOR_ID, NoiseXX.publicOf(INITIATOR_STATIC), muxers);
        byte[] third = initiator.writeMessage(p3);

        byte[] tampered = third.clone();
        int bit = Math.floorMod(flipAt, third.length * 8);
        tampered[bit / 8] ^= (byte) (1 << (bit % 8));
        NoiseXX victim = new NoiseXX(false, RESPONDER_STATIC, random(3));
        victim.readMessage(initiator1(p1));
        victim.writeMessage(p2);
        assertThrows(NoiseException.class, () -> victim.readMessage(tampered), "a changed third message was accepted");

        NoiseHandshakePayload.Verified v = NoiseHandshakePayload.verifyPayload(responder.readMessage(third),
                responder.remoteStaticPublic(), null);
        assertArrayEquals(INITIATOR_ID.publicIdentity().publicKey(), v.identityKey());
        assertEquals(muxers, v.streamMuxers());
        NoiseCipherState[] i = initiator.split();
        NoiseCipherState[] r = responder.split();
        assertArrayEquals(transport, r[0].decrypt(new byte[0], i[0].encrypt(new byte[0], transport)));
        assertArrayEquals(transport, i[1].decrypt(new byte[0], r[1].encrypt(new byte[0], transport)));
    }

    /** The first message of an initiator with the same randomness as in the round trip. */
    private static byte[] initiator1(byte[] p1) throws NoiseException {
        return new NoiseXX(true, INITIATOR_STATIC, random(2)).writeMessage(p1);
    }

    private static SecureRandom random(int seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG"); // seeded before first use: deterministic
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] filled(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return k;
    }
}
