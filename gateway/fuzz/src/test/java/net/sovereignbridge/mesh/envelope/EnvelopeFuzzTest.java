package net.sovereignbridge.mesh.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import net.sovereignbridge.fuzz.AllocationLimit;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;

/** Envelope open: sealed DATA/ACK frames from a known sender, as the node opens them after the frame decoder. */
class EnvelopeFuzzTest {
    private static final NodeIdentity ALICE = NodeIdentity.fromSeed(seed(1));
    private static final NodeIdentity BOB = NodeIdentity.fromSeed(seed(2));
    private static final Envelope ALICE_ENVELOPE = new Envelope(ALICE);
    private static final Envelope BOB_ENVELOPE = new Envelope(BOB);

    /** Raw bytes as a frame to Bob from Alice: opening never throws and never allocates beyond the payload. */
    @FuzzTest
    void openRaw(byte[] input) {
        Decoded<MeshFrame> frame = FrameCodec.decode(input);
        if (!frame.isOk()) return;
        Decoded<Envelope.Opened> d = AllocationLimit.check("Envelope.open", 2L * input.length,
                () -> BOB_ENVELOPE.open(frame.value(), ALICE.publicIdentity()));
        if (d instanceof Decoded.Error<Envelope.Opened> e) AllocationLimit.assertExplained(e.reason().name(), e.detail());
    }

    /** Seal then open gives the plaintext back; one changed bit anywhere in the frame makes it fail. */
    @FuzzTest
    void sealOpenTamper(FuzzedDataProvider data) {
        FrameType type = data.consumeBoolean() ? FrameType.DATA : FrameType.ACK;
        int messageId = data.consumeInt();
        long seconds = data.consumeLong(0, 0xFFFF_FFFFL);
        int flags = data.consumeBoolean() ? MeshFrame.FLAG_WANT_ACK : 0;
        int hopLimit = data.consumeInt(0, MeshFrame.MAX_HOPS);
        String region = data.consumeBoolean() ? "u33db" : null;
        int flipAt = data.consumeInt();
        byte[] plaintext = data.consumeRemainingAsBytes();
        MeshFrame sealed = ALICE_ENVELOPE.seal(type, BOB.publicIdentity(), messageId, seconds, flags, hopLimit, plaintext, region);
        byte[] wire = FrameCodec.encode(sealed);

        Decoded<Envelope.Opened> opened = BOB_ENVELOPE.open(FrameCodec.decode(wire).value(), ALICE.publicIdentity());
        Envelope.Opened o = opened.value();
        assertArrayEquals(plaintext, o.plaintext());
        assertEquals(messageId, o.messageId());
        assertEquals(seconds, o.unixSeconds());
        assertEquals(ALICE.address(), o.source());

        // Relays may change the hop fields and the HOP_ACK flag: byte 2 and bit 0x04 of byte 1 are not covered.
        byte[] tampered = wire.clone();
        int bit = Math.floorMod(flipAt, wire.length * 8);
        tampered[bit / 8] ^= (byte) (1 << (bit % 8));
        boolean relayField = bit / 8 == 2 || (bit / 8 == 1 && bit % 8 == 2);
        Decoded<MeshFrame> frame = FrameCodec.decode(tampered);
        if (!frame.isOk()) return;
        Decoded<Envelope.Opened> d = BOB_ENVELOPE.open(frame.value(), ALICE.publicIdentity());
        if (relayField) {
            assertArrayEquals(plaintext, d.value().plaintext(), "hop fields are not authenticated");
        } else {
            assertFalse(d.isOk(), () -> "bit " + bit + " of " + Arrays.toString(wire) + " changed and it still opened");
        }
    }

    private static byte[] seed(int b) {
        byte[] s = new byte[NodeIdentity.SEED_LENGTH];
        Arrays.fill(s, (byte) b);
        return s;
    }
}
