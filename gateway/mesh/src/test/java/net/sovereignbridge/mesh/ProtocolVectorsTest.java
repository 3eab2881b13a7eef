package net.sovereignbridge.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import net.sovereignbridge.mesh.envelope.Envelope;
import net.sovereignbridge.mesh.envelope.KeyConversion;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.frame.Reassembler;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.topics.TopicBody;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import org.junit.jupiter.api.Test;

/**
 * The published test vectors (src/test/resources/vectors/protocol-v1.txt, also printed in docs/protocol.md):
 * this build must reproduce every one, and the document must show every one, so neither can drift.
 */
class ProtocolVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void buildReproducesEveryVector() throws IOException {
        Properties v = vectors();
        NodeIdentity alice = NodeIdentity.fromSeed(HEX.parseHex(v.getProperty("alice.seed")));
        NodeIdentity bob = NodeIdentity.fromSeed(HEX.parseHex(v.getProperty("bob.seed")));
        assertEquals(v.getProperty("alice.public"), HEX.formatHex(alice.publicIdentity().publicKey()));
        assertEquals(v.getProperty("alice.address"), alice.address().toHex());
        assertEquals(v.getProperty("alice.did"), alice.publicIdentity().did());
        assertEquals(v.getProperty("alice.peerId"), alice.publicIdentity().peerId());
        assertEquals(v.getProperty("alice.x25519.public"),
                HEX.formatHex(KeyConversion.x25519PublicKey(alice.publicIdentity().publicKey())));
        assertEquals(v.getProperty("bob.public"), HEX.formatHex(bob.publicIdentity().publicKey()));
        assertEquals(v.getProperty("bob.address"), bob.address().toHex());

        MeshFrame data = new Envelope(alice).seal(FrameType.DATA, bob.publicIdentity(), 0x01020304, 1_790_000_000L,
                MeshFrame.FLAG_WANT_ACK, 8, "hello mesh".getBytes(StandardCharsets.US_ASCII));
        byte[] wire = FrameCodec.encode(data);
        assertEquals(v.getProperty("data.frame"), HEX.formatHex(wire));
        byte[] opened = new Envelope(bob).open(FrameCodec.decode(HEX.parseHex(v.getProperty("data.frame"))).value(),
                alice.publicIdentity()).value().plaintext();
        assertArrayEquals("hello mesh".getBytes(StandardCharsets.US_ASCII), opened);

        byte[] body = new byte[36];
        System.arraycopy(alice.publicIdentity().publicKey(), 0, body, 0, 32);
        System.arraycopy(HEX.parseHex("6ab03b80"), 0, body, 32, 4);
        MeshFrame announce = SignedFrames.sign(alice, FrameType.ANNOUNCE, null, 0x0A0B0C0D, 1, body);
        assertEquals(v.getProperty("announce.frame"), HEX.formatHex(FrameCodec.encode(announce)));

        // The same DATA addressed to a region (flag 0x08, geohash after the message id, covered by the tag).
        MeshFrame regional = new Envelope(alice).seal(FrameType.DATA, bob.publicIdentity(), 0x01020304, 1_790_000_000L,
                MeshFrame.FLAG_WANT_ACK, 8, "hello mesh".getBytes(StandardCharsets.US_ASCII), "u0vxkq");
        assertEquals(v.getProperty("data.region.frame"), HEX.formatHex(FrameCodec.encode(regional)));
        MeshFrame regionalIn = FrameCodec.decode(HEX.parseHex(v.getProperty("data.region.frame"))).value();
        assertEquals("u0vxkq", regionalIn.region());
        assertArrayEquals("hello mesh".getBytes(StandardCharsets.US_ASCII),
                new Envelope(bob).open(regionalIn, alice.publicIdentity()).value().plaintext());
        // An announce with a position TLV (type 2, geohash).
        byte[] positioned = java.util.Arrays.copyOf(body, 36 + 8);
        System.arraycopy(net.sovereignbridge.mesh.node.AnnounceBody.positionExtension("u0vxkq"), 0, positioned, 36, 8);
        assertEquals(v.getProperty("announce.position.frame"),
                HEX.formatHex(FrameCodec.encode(SignedFrames.sign(alice, FrameType.ANNOUNCE, null, 0x0A0B0C0D, 1, positioned))));
        assertEquals("u0vxkq", net.sovereignbridge.mesh.node.AnnounceBody.decode(positioned).value().position());
        // Topic message: signed BROADCAST, no destination; the body says topic, origin and time.
        TopicBody topic = new TopicBody(1_790_000_000L, TrafficOrigin.DEVICE, "weather",
                "21.5 C".getBytes(StandardCharsets.US_ASCII));
        assertEquals(v.getProperty("topic.body"), HEX.formatHex(topic.encode()));
        MeshFrame topicFrame = SignedFrames.sign(alice, FrameType.BROADCAST, null, 0x0A0B0C0E, 8, topic.encode());
        assertEquals(v.getProperty("topic.frame"), HEX.formatHex(FrameCodec.encode(topicFrame)));
        MeshFrame heard = FrameCodec.decode(HEX.parseHex(v.getProperty("topic.frame"))).value();
        TopicBody read = TopicBody.decode(SignedFrames.verify(heard, alice.publicIdentity()).value()).value();
        assertEquals("weather", read.topic());
        assertEquals(TrafficOrigin.DEVICE, read.origin());
        assertArrayEquals("21.5 C".getBytes(StandardCharsets.US_ASCII), read.message());

        List<byte[]> fragments = Fragmenter.split(wire, 32, 0x1234);
        Reassembler r = Reassembler.withDefaults();
        Optional<byte[]> whole = Optional.empty();
        for (int i = 0; i < fragments.size(); i++) {
            assertEquals(v.getProperty("data.fragment32." + i), HEX.formatHex(fragments.get(i)));
            whole = r.accept("x", HEX.parseHex(v.getProperty("data.fragment32." + i)), 0).value();
        }
        assertArrayEquals(wire, whole.orElseThrow());
    }

    @Test
    void documentShowsEveryVector() throws IOException {
        Path doc = Path.of(System.getProperty("user.dir")).resolve("../../docs/protocol.md").normalize();
        String text = Files.readString(doc).replaceAll("\\s+", "");
        List<String> missing = new ArrayList<>();
        vectors().forEach((k, val) -> {
            if (!text.contains(val.toString())) missing.add(k.toString());
        });
        assertTrue(missing.isEmpty(), "docs/protocol.md lacks vectors " + missing);
    }

    private static Properties vectors() throws IOException {
        Properties p = new Properties();
        try (InputStream in = ProtocolVectorsTest.class.getResourceAsStream("/vectors/protocol-v1.txt")) {
            p.load(in);
        }
        return p;
    }
}
