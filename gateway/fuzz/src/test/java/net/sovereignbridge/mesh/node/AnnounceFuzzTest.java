package net.sovereignbridge.mesh.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import net.sovereignbridge.fuzz.AllocationLimit;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PublicIdentity;

/** Announces: the signed frame check and the body's TLV decoder. */
class AnnounceFuzzTest {
    private static final NodeIdentity ALICE = NodeIdentity.fromSeed(new byte[32]);

    /** The body decoder on raw bytes: a body that decodes re-encodes to a body that decodes to the same value. */
    @FuzzTest
    void body(byte[] input) {
        Decoded<AnnounceBody> d = AllocationLimit.check("AnnounceBody.decode", 3L * input.length, () -> AnnounceBody.decode(input));
        if (d instanceof Decoded.Error<AnnounceBody> e) {
            AllocationLimit.assertExplained(e.reason().name(), e.detail());
            return;
        }
        AnnounceBody a = d.value();
        AnnounceBody again = AnnounceBody.decode(a.encode()).value();
        assertEquals(a.identity(), again.identity());
        assertEquals(a.unixSeconds(), again.unixSeconds());
        assertEquals(a.name(), again.name());
        assertArrayEquals(a.extensions(), again.extensions());
        assertEquals(a.position(), again.position());
    }

    /** Raw bytes through the frame decoder and the announce signature check: typed errors only. */
    @FuzzTest
    void signedRaw(byte[] input) {
        Decoded<MeshFrame> frame = FrameCodec.decode(input);
        if (!frame.isOk()) return;
        Decoded<PublicIdentity> d = SignedFrames.verifyAnnounce(frame.value());
        if (d instanceof Decoded.Error<PublicIdentity> e) AllocationLimit.assertExplained(e.reason().name(), e.detail());
    }

    /** A signed announce verifies and carries its body; a changed bit outside the relay fields does not verify. */
    @FuzzTest
    void signedRoundTrip(FuzzedDataProvider data) {
        int messageId = data.consumeInt();
        int hopLimit = data.consumeInt(0, MeshFrame.MAX_HOPS);
        int flipAt = data.consumeInt();
        String name = data.consumeString(40);
        AnnounceBody body = new AnnounceBody(ALICE.publicIdentity(), data.consumeLong(0, 0xFFFF_FFFFL), name,
                data.consumeRemainingAsBytes());
        byte[] wire = FrameCodec.encode(SignedFrames.sign(ALICE, FrameType.ANNOUNCE, null, messageId, hopLimit, body.encode()));
        MeshFrame frame = FrameCodec.decode(wire).value();
        assertEquals(ALICE.publicIdentity(), SignedFrames.verifyAnnounce(frame).value());

        byte[] tampered = wire.clone();
        int bit = Math.floorMod(flipAt, wire.length * 8);
        tampered[bit / 8] ^= (byte) (1 << (bit % 8));
        if (bit / 8 == 2 || (bit / 8 == 1 && bit % 8 == 2)) return; // hop fields and HOP_ACK: not signed
        Decoded<MeshFrame> t = FrameCodec.decode(tampered);
        if (t.isOk()) {
            assertFalse(SignedFrames.verifyAnnounce(t.value()).isOk(), () -> "bit " + bit + " of " + Arrays.toString(wire)
                    + " changed and the announce still verifies");
        }
    }
}
