package net.sovereignbridge.p2p.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.identify.IdentifyMessage;
import net.sovereignbridge.p2p.identify.IdentifyService;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multistream.MultistreamSelect;
import net.sovereignbridge.p2p.noise.NoiseHandshakePayload;
import net.sovereignbridge.p2p.noise.NoiseXX;
import net.sovereignbridge.p2p.ping.PingService;
import net.sovereignbridge.p2p.record.PeerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that breaks the protocol loses its connection, with the reason given to the listeners (and
 * logged); the host keeps serving everyone else.
 */
class HostBadInputTest {
    final SecureRandom random = new SecureRandom();
    final LinkedBlockingQueue<String> failures = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<String> disconnects = new LinkedBlockingQueue<>();
    Libp2pHost host;
    Multiaddr listen;
    Libp2pHost honest;
    /** A peer connected before each hostile case, whose connection must survive it. */
    Libp2pHost bystander;
    Connection bystanderConnection;

    @BeforeEach
    void start() throws Exception {
        host = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(random), HostConfig.defaults().withHandshakeTimeout(Duration.ofMillis(1500)));
        host.addListener(new HostListener() {
            @Override
            public void upgradeFailed(Multiaddr remote, boolean outbound, String reason) {
                failures.add(reason);
            }

            @Override
            public void disconnected(Connection connection, String reason) {
                disconnects.add(reason);
            }
        });
        listen = host.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        honest = StreamTools.echoHost();
        bystander = StreamTools.echoHost();
        bystanderConnection = bystander.dial(host.fullListenAddrs().get(0));
        bystanderConnection.identified().get(10, TimeUnit.SECONDS);
        waitUntil(() -> host.connections().size() == 1 && host.inboundStreamsServed() == 0, "the bystander's identify ended");
    }

    @AfterEach
    void stop() {
        host.close();
        honest.close();
        bystander.close();
    }

    static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    /**
     * The connection that was open before the hostile case still carries a ping (the same connection,
     * not a new one), and the host still accepts and serves a new well-behaved peer.
     */
    void hostStillServes() throws Exception {
        assertTrue(bystanderConnection.isOpen(), "the bystander's connection survived: " + bystanderConnection.closeReason());
        assertTrue(PingService.ping(bystander, host.peerId()).toMillis() < 5000);
        assertEquals(List.of(bystanderConnection), bystander.connections(), "the ping used the old connection");
        honest.dial(host.fullListenAddrs().get(0));
        assertTrue(PingService.ping(honest, host.peerId()).toMillis() < 5000);
    }

    /** Only the bystander is connected. */
    void onlyTheBystanderIsConnected() {
        assertEquals(1, host.connections().size(), host.connections().toString());
        assertEquals(bystander.peerId(), host.connections().get(0).remotePeerId());
    }

    Socket raw() throws IOException {
        Socket s = new Socket("127.0.0.1", Integer.parseInt(listen.components().get(1).valueText()));
        s.setSoTimeout(10_000);
        return s;
    }

    static void assertClosedByRemote(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // drain what the host sent before it closed
            }
        } catch (java.net.SocketException reset) {
            // closed with RST: also a close
        }
    }

    static void writeNoiseFrame(OutputStream out, byte[] m) throws IOException {
        out.write(new byte[] {(byte) (m.length >> 8), (byte) m.length});
        out.write(m);
        out.flush();
    }

    static byte[] readNoiseFrame(InputStream in) throws IOException {
        int len = (in.read() << 8) | in.read();
        return in.readNBytes(len);
    }

    @Test
    void wrongNoiseSignatureClosesThatConnection() throws Exception {
        NodeIdentity forger = NodeIdentity.generate(random);
        try (Socket s = raw()) {
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            MultistreamSelect.select(in, out, List.of("/noise"));
            byte[] staticKey = new byte[32];
            random.nextBytes(staticKey);
            NoiseXX hs = new NoiseXX(true, staticKey, random);
            writeNoiseFrame(out, hs.writeMessage(new byte[0]));
            hs.readMessage(readNoiseFrame(in));
            // the identity signs some other static key than the one in the handshake
            byte[] otherStatic = NoiseXX.publicOf(new byte[32]);
            writeNoiseFrame(out, hs.writeMessage(NoiseHandshakePayload.encode(forger, otherStatic)));
            assertClosedByRemote(s);
        }
        String reason = failures.poll(5, TimeUnit.SECONDS);
        assertTrue(reason != null && reason.contains("Noise handshake") && reason.contains("signature"), reason);
        onlyTheBystanderIsConnected();
        hostStillServes();
    }

    @Test
    void peerIdOtherThanTheDialledOneFailsTheDial() throws Exception {
        String impostor = PeerId.encode(NodeIdentity.generate(random).publicIdentity().publicKey());
        Multiaddr wrong = Multiaddr.parse(listen + "/p2p/" + impostor);
        IOException e = assertThrows(IOException.class, () -> honest.dial(wrong));
        assertTrue(e.getMessage().contains("does not match the dialled"), e.getMessage());
        assertTrue(honest.connections().isEmpty());
        hostStillServes();
    }

    @Test
    void oversizedMultistreamLineClosesThatConnection() throws Exception {
        try (Socket s = raw()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(MultistreamSelect.encode(MultistreamSelect.HEADER));
            UnsignedVarint.write(2000, b);
            b.writeBytes(new byte[2000]);
            s.getOutputStream().write(b.toByteArray());
            assertClosedByRemote(s);
        }
        String reason = failures.poll(5, TimeUnit.SECONDS);
        assertTrue(reason != null && reason.contains("multistream-select /noise") && reason.contains("bad line length 2000"), reason);
        hostStillServes();
    }

    @Test
    void malformedMultistreamLineClosesThatConnection() throws Exception {
        try (Socket s = raw()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(MultistreamSelect.encode(MultistreamSelect.HEADER));
            b.write(7);
            b.writeBytes("/noise!".getBytes()); // no trailing newline
            s.getOutputStream().write(b.toByteArray());
            assertClosedByRemote(s);
        }
        String reason = failures.poll(5, TimeUnit.SECONDS);
        assertTrue(reason != null && reason.contains("does not end in newline"), reason);
        hostStillServes();
    }

    @Test
    void silentPeerTimesOutInTheHandshake() throws Exception {
        long start = System.nanoTime();
        try (Socket s = raw()) {
            assertClosedByRemote(s);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 1000 && ms < 8000, "closed after " + ms + " ms");
        String reason = failures.poll(5, TimeUnit.SECONDS);
        assertTrue(reason != null && reason.contains("timed out after 1500 ms"), reason);
        hostStillServes();
    }

    @Test
    void identifyOverItsSizeLimitClosesThatConnection() throws Exception {
        try (Libp2pHost liar = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(random), HostConfig.defaults())) {
            liar.setHandler(IdentifyService.ID, s -> {
                s.output().write(UnsignedVarint.encode(9000));
                s.output().write(new byte[9000]);
                s.output().flush();
            });
            liar.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection c = host.dial(liar.fullListenAddrs().get(0));
            ExecutionException e = assertThrows(ExecutionException.class, () -> c.identified().get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("over the 8192-byte limit"), e.getCause().getMessage());
            assertFalse(c.isOpen());
            assertTrue(c.closeReason().contains("identify: message of 9000 bytes over the 8192-byte limit"), c.closeReason());
        }
        hostStillServes();
    }

    @Test
    void identifyWithAPeerRecordSignedBySomeoneElseClosesThatConnection() throws Exception {
        NodeIdentity other = NodeIdentity.generate(random);
        IdentifyService liarsIdentify = new IdentifyService();
        try (Libp2pHost liar = Libp2pHost.builder(NodeIdentity.generate(random)).transport(new TcpConnectionTransport())
                .service(liarsIdentify).service(new PingService()).build()) {
            liar.setHandler(IdentifyService.ID, s -> {
                IdentifyMessage honestOne = liarsIdentify.messageFor(s.connection());
                byte[] forged = PeerRecord.seal(other, 1, honestOne.listenAddrs()).encode();
                IdentifyMessage m = new IdentifyMessage(honestOne.protocolVersion(), honestOne.agentVersion(), honestOne.publicKey(),
                        honestOne.listenAddrs(), honestOne.observedAddr(), honestOne.protocols(), forged);
                byte[] body = m.encode();
                s.output().write(UnsignedVarint.encode(body.length));
                s.output().write(body);
                s.output().flush();
            });
            liar.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection c = host.dial(liar.fullListenAddrs().get(0));
            assertThrows(ExecutionException.class, () -> c.identified().get(10, TimeUnit.SECONDS));
            assertFalse(c.isOpen());
            assertTrue(c.closeReason().contains("peer record"), c.closeReason());
        }
        hostStillServes();
    }

    @Test
    void tooManyProposalsOnAStreamResetOnlyThatStream() throws Exception {
        Connection c = honest.dial(host.fullListenAddrs().get(0));
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) many.add("/junk/" + i);
        IOException e = assertThrows(IOException.class, () -> c.newStream(many));
        assertTrue(c.isOpen());
        assertTrue(PingService.ping(honest, host.peerId()).toMillis() < 5000, e.getMessage());
        assertEquals(2, host.connections().size());
        hostStillServes();
    }

    @Test
    void inboundStreamsBeyondTheHostLimitAreResetUntilOneEnds() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (Libp2pHost small = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(random), HostConfig.defaults().withMaxInboundStreams(2))) {
            small.setHandler("/hold/1.0.0", s -> {
                s.output().write(1);
                s.output().flush();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            small.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            Connection c = honest.dial(small.fullListenAddrs().get(0));
            c.identified().get(10, TimeUnit.SECONDS);
            // our answer is in, but small's identify handler may not have returned its slot yet
            waitUntil(() -> small.inboundStreamsServed() == 0, "small's identify handler returned");
            P2pStream h1 = c.newStream(List.of("/hold/1.0.0"));
            P2pStream h2 = c.newStream(List.of("/hold/1.0.0"));
            assertEquals(1, h1.input().read());
            assertEquals(1, h2.input().read());
            assertThrows(IOException.class, () -> c.newStream(List.of("/hold/1.0.0")));
            assertTrue(c.isOpen(), "only the stream was refused");
            release.countDown();
            h1.close();
            h2.close();
            long end = System.currentTimeMillis() + 5000;
            Duration rtt = null;
            while (rtt == null && System.currentTimeMillis() < end) {
                try {
                    rtt = PingService.ping(honest, small.peerId());
                } catch (IOException notYet) {
                    Thread.sleep(50); // the handlers are still returning
                }
            }
            assertTrue(rtt != null && rtt.toMillis() < 5000);
        }
    }

    @Test
    void garbageConnectionsAreAllClosedAndTheHostCarriesOn() throws Exception {
        java.util.Random r = new java.util.Random(5);
        int count = 30;
        for (int i = 0; i < count; i++) {
            try (Socket s = raw()) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                switch (i % 3) {
                    case 0 -> { } // garbage from the first byte
                    case 1 -> b.writeBytes(MultistreamSelect.encode(MultistreamSelect.HEADER)); // then garbage
                    default -> { // a valid /noise selection, then a garbage Noise message
                        b.writeBytes(MultistreamSelect.encode(MultistreamSelect.HEADER));
                        b.writeBytes(MultistreamSelect.encode("/noise"));
                    }
                }
                byte[] junk = new byte[1 + r.nextInt(300)];
                r.nextBytes(junk);
                b.writeBytes(junk);
                s.getOutputStream().write(b.toByteArray());
                s.shutdownOutput();
                assertClosedByRemote(s);
            }
        }
        for (int i = 0; i < count; i++) {
            String reason = failures.poll(10, TimeUnit.SECONDS);
            assertTrue(reason != null, "upgrade failure " + i + " reported");
        }
        onlyTheBystanderIsConnected();
        hostStillServes();
    }

    @Test
    void aTamperedNoiseTransportMessageClosesTheConnection() throws Exception {
        NodeIdentity me = NodeIdentity.generate(random);
        try (Socket s = raw()) {
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            MultistreamSelect.select(in, out, List.of("/noise"));
            var channel = net.sovereignbridge.p2p.noise.NoiseSecureChannel.dial(in, out, me,
                    PeerId.toBytes(host.identity().publicIdentity().publicKey()), random);
            var duplex = new net.sovereignbridge.p2p.noise.NoiseDuplex(channel, s);
            MultistreamSelect.select(duplex.input(), duplex.output(), List.of("/yamux/1.0.0"));
            // a well-framed Noise message whose ciphertext is garbage: its tag cannot verify
            byte[] junk = new byte[100];
            random.nextBytes(junk);
            writeNoiseFrame(out, junk);
            assertClosedByRemote(s);
        }
        String reason = disconnects.poll(5, TimeUnit.SECONDS);
        assertTrue(reason != null && reason.contains("authentication failed"), reason);
        onlyTheBystanderIsConnected();
        hostStillServes();
    }

    /** Noise and /yamux/1.0.0 done by hand on a raw socket, so yamux frames can be written as bytes. */
    net.sovereignbridge.p2p.noise.NoiseDuplex rawYamux(Socket s) throws Exception {
        InputStream in = new java.io.BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        MultistreamSelect.select(in, out, List.of("/noise"));
        var channel = net.sovereignbridge.p2p.noise.NoiseSecureChannel.dial(in, out, NodeIdentity.generate(random),
                PeerId.toBytes(host.identity().publicIdentity().publicKey()), random);
        var duplex = new net.sovereignbridge.p2p.noise.NoiseDuplex(channel, s);
        MultistreamSelect.select(duplex.input(), duplex.output(), List.of("/yamux/1.0.0"));
        return duplex;
    }

    void sendRawYamuxAndExpectClose(byte[] frame, String reasonPart) throws Exception {
        try (Socket s = raw()) {
            var duplex = rawYamux(s);
            waitUntil(() -> host.connections().size() == 2, "the raw peer is connected");
            duplex.write(frame, 0, frame.length);
            assertClosedByRemote(s);
        }
        String reason = disconnects.poll(5, TimeUnit.SECONDS);
        assertTrue(reason != null && reason.contains(reasonPart), reason);
        waitUntil(() -> host.connections().size() == 1, "the raw peer's connection is gone");
        onlyTheBystanderIsConnected();
        hostStillServes();
    }

    @Test
    void aYamuxFrameOfUnknownTypeClosesThatConnection() throws Exception {
        // version 0, type 7, no flags, stream 0, length 0
        sendRawYamuxAndExpectClose(java.util.HexFormat.of().parseHex("000700000000000000000000"),
                "unknown Yamux frame type 7");
    }

    @Test
    void yamuxDataPastTheWindowClosesThatConnection() throws Exception {
        // Data SYN on stream 1 announcing 256 KiB + 1 bytes: past the initial window, refused before the body
        sendRawYamuxAndExpectClose(java.util.HexFormat.of().parseHex("000000010000000100040001"),
                "past the receive window");
    }
}
