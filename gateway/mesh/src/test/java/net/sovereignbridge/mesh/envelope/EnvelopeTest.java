package net.sovereignbridge.mesh.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.sovereignbridge.mesh.encoding.Base58;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PublicIdentity;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvelopeTest {
    private static final NodeIdentity ALICE = NodeIdentity.fromSeed(seed(1));
    private static final NodeIdentity BOB = NodeIdentity.fromSeed(seed(2));
    private static final NodeIdentity EVE = NodeIdentity.fromSeed(seed(3));

    static byte[] seed(int b) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) b);
        return s;
    }

    /**
     * The X25519 key-agreement keys the W3C did:key vectors derive from the same seeds
     * (w3c-ccg/did-method-key, test-vectors/ed25519-x25519.json): an independent check of the Ed25519 to
     * X25519 conversion, public and private.
     */
    @ParameterizedTest
    @CsvSource({
        "0000000000000000000000000000000000000000000000000000000000000000, 7By6kV2t2d188odEM4ExAve1UithKT6dLva4dwsDT3ak, 6QN8DfuN9hjgHgPvLXqgzqYE3jRRGRrmJQZkd5tL8paR",
        "0000000000000000000000000000000000000000000000000000000000000001, FcoNC5NqP9CePWbhfz95iHaEsCjGkZUioK9Ck7Qiw286, HBTcN2MrXNRj9xF9oi8QqYyuEPv3JLLjQKuEgW9oxVKP",
        "0000000000000000000000000000000000000000000000000000000000000004, FbQtKTG6FjWSeYZyowWYv2KBcCbwmHqH6HUuxdJ4xkwP, 8Zybi2bqQ8YB4uPm3iy2rkDCmbB4wkG2Y2ig5YAkgNdg",
    })
    void keyConversionMatchesW3cVectors(String seedHex, String x25519Public, String x25519Private) {
        byte[] seed = HexFormat.of().parseHex(seedHex);
        NodeIdentity id = NodeIdentity.fromSeed(seed);
        assertArrayEquals(Base58.decode(x25519Public), KeyConversion.x25519PublicKey(id.publicIdentity().publicKey()));
        byte[] priv = KeyConversion.x25519PrivateKey(seed);
        assertArrayEquals(Base58.decode(x25519Private), priv);
        byte[] fromPrivate = new byte[32];
        X25519.scalarMultBase(priv, 0, fromPrivate, 0);
        assertArrayEquals(Base58.decode(x25519Public), fromPrivate);
    }

    @Test
    void sealedFrameOpensForRecipientOnly() {
        Envelope a = new Envelope(ALICE);
        byte[] text = "meet at the water tower".getBytes(StandardCharsets.UTF_8);
        MeshFrame sealed = a.seal(FrameType.DATA, BOB.publicIdentity(), 7, 1_790_000_000L, 0, 8, text);
        byte[] wire = FrameCodec.encode(sealed);
        assertFalse(contains(wire, text), "plaintext must not appear on the wire");

        MeshFrame received = FrameCodec.decode(wire).value();
        Decoded<Envelope.Opened> opened = new Envelope(BOB).open(received, ALICE.publicIdentity());
        assertTrue(opened.isOk(), opened.toString());
        assertArrayEquals(text, opened.value().plaintext());
        assertEquals(1_790_000_000L, opened.value().unixSeconds());

        Decoded<Envelope.Opened> byEve = new Envelope(EVE).open(received, ALICE.publicIdentity());
        assertEquals(DecodeError.NOT_FOR_US, ((Decoded.Error<Envelope.Opened>) byEve).reason());
    }

    @Test
    void senderCannotBeImpersonated() {
        // Eve seals to Bob but claims Alice's address in the source field.
        MeshFrame evesFrame = new Envelope(EVE).seal(FrameType.DATA, BOB.publicIdentity(), 1, 1_790_000_000L, 0, 8,
                new byte[] {1, 2, 3});
        MeshFrame forged = new MeshFrame(FrameType.DATA, 0, 8, 0, BOB.address(), ALICE.address(), 1, evesFrame.payload());
        Decoded<Envelope.Opened> r = new Envelope(BOB).open(forged, ALICE.publicIdentity());
        assertEquals(DecodeError.DECRYPT_FAILED, ((Decoded.Error<Envelope.Opened>) r).reason());
    }

    @Test
    void relaysMayChangeHopsButNothingElse() {
        Envelope a = new Envelope(ALICE);
        Envelope b = new Envelope(BOB);
        MeshFrame sealed = a.seal(FrameType.DATA, BOB.publicIdentity(), 9, 1_790_000_000L, MeshFrame.FLAG_WANT_ACK, 8,
                new byte[] {42});
        assertTrue(b.open(sealed.forwarded().forwarded(), ALICE.publicIdentity()).isOk());
        MeshFrame otherId = new MeshFrame(sealed.type(), sealed.flags(), 8, 0, sealed.destination(), sealed.source(), 10,
                sealed.payload());
        assertFalse(b.open(otherId, ALICE.publicIdentity()).isOk());
        MeshFrame noAck = new MeshFrame(sealed.type(), 0, 8, 0, sealed.destination(), sealed.source(), 9, sealed.payload());
        assertFalse(b.open(noAck, ALICE.publicIdentity()).isOk());
        byte[] p = sealed.payload();
        p[1] ^= 1; // timestamp is authenticated too
        assertFalse(b.open(new MeshFrame(sealed.type(), sealed.flags(), 8, 0, sealed.destination(), sealed.source(), 9, p),
                ALICE.publicIdentity()).isOk());
    }

    /** Overhead budget of issue 2: header + crypto of an addressed, encrypted, authenticated frame <= 64 bytes. */
    @Test
    void singleFrameOverheadIsWithinBudget() {
        byte[] text = new byte[100];
        MeshFrame sealed = new Envelope(ALICE).seal(FrameType.DATA, BOB.publicIdentity(), 1, 1_790_000_000L, 0, 8, text);
        int overhead = FrameCodec.encode(sealed).length - text.length;
        assertEquals(MeshFrame.ADDRESSED_HEADER_LENGTH + Envelope.OVERHEAD, overhead);
        assertEquals(59, overhead);
        assertTrue(overhead <= 64);
    }

    @Property(tries = 200)
    void sealOpenRoundTrip(@ForAll @Size(max = 1100) byte[] text, @ForAll int messageId) {
        MeshFrame sealed = new Envelope(ALICE).seal(FrameType.DATA, BOB.publicIdentity(), messageId, 1_790_000_000L, 0, 8,
                text);
        MeshFrame back = FrameCodec.decode(FrameCodec.encode(sealed)).value();
        assertArrayEquals(text, new Envelope(BOB).open(back, ALICE.publicIdentity()).value().plaintext());
    }

    @Property(tries = 300)
    void anyTamperingIsDetected(@ForAll @Size(min = 1, max = 300) byte[] text, @ForAll int position, @ForAll byte flip) {
        if (flip == 0) return;
        MeshFrame sealed = new Envelope(ALICE).seal(FrameType.DATA, BOB.publicIdentity(), 5, 1_790_000_000L, 0, 8, text);
        byte[] wire = FrameCodec.encode(sealed);
        int i = Math.floorMod(position, wire.length);
        if (i == 2) return; // the hop byte is rewritten by relays
        if (i == 1 && (flip & ~MeshFrame.FLAG_HOP_ACK) == 0) return; // and so is the per-hop HOP_ACK flag
        wire[i] ^= flip;
        Decoded<MeshFrame> decoded = FrameCodec.decode(wire);
        if (!decoded.isOk()) return;
        MeshFrame f = decoded.value();
        PublicIdentity claimed = f.source().equals(ALICE.address()) ? ALICE.publicIdentity() : EVE.publicIdentity();
        assertFalse(new Envelope(BOB).open(f, claimed).isOk(), "tampered byte " + i + " accepted");
    }

    @Test
    void announcesVerifyAndForgeriesFail() {
        byte[] body = new byte[40];
        System.arraycopy(ALICE.publicIdentity().publicKey(), 0, body, 0, 32);
        MeshFrame announce = SignedFrames.sign(ALICE, FrameType.ANNOUNCE, null, 3, 1, body);
        MeshFrame received = FrameCodec.decode(FrameCodec.encode(announce)).value();
        assertEquals(ALICE.publicIdentity(), SignedFrames.verifyAnnounce(received).value());
        // Eve re-signs Alice's key with her own key: the signature check fails.
        MeshFrame forged = SignedFrames.sign(EVE, FrameType.ANNOUNCE, null, 3, 1, body);
        assertFalse(SignedFrames.verifyAnnounce(forged).isOk());
        byte[] p = announce.payload();
        p[35] ^= 1;
        assertFalse(SignedFrames.verifyAnnounce(new MeshFrame(FrameType.ANNOUNCE, 0, 1, 0, null, ALICE.address(), 3, p))
                .isOk());
    }

    @Test
    void replayGuardRefusesRepeatsAndStaleFrames() {
        ReplayGuard g = new ReplayGuard(3600, 300, 3);
        long now = 1_790_000_000L;
        assertNull(g.check(ALICE.address(), 1, now, now));
        assertEquals(DecodeError.REPLAY, g.check(ALICE.address(), 1, now, now));
        assertNull(g.check(BOB.address(), 1, now, now));
        assertEquals(DecodeError.STALE, g.check(ALICE.address(), 2, now - 3601, now));
        assertEquals(DecodeError.STALE, g.check(ALICE.address(), 3, now + 301, now));
        assertNull(g.check(ALICE.address(), 4, now + 1, now));
        assertNull(g.check(ALICE.address(), 5, now + 2, now));
        assertTrue(g.size() <= 3);
        // The oldest remembered id was forgotten, so its time is now outside what the guard can vouch for.
        assertEquals(DecodeError.STALE, g.check(ALICE.address(), 1, now, now));
    }

    /** Byte search: ISO-8859-1 maps every byte to exactly one char. */
    private static boolean contains(byte[] haystack, byte[] needle) {
        return new String(haystack, java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains(new String(needle, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
