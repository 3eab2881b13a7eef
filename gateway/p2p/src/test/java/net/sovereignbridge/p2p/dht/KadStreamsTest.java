package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The kad stream framing over real TCP sockets on 127.0.0.1 (plain TCP standing in for a libp2p stream:
 * what is tested here is framing, limits, timeouts and the request/response rules, not the transport).
 * The first bytes on each connection name the peer, as the Noise handshake would.
 */
class KadStreamsTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<ServerSocket> servers = new ArrayList<>();
    private final Map<ByteBuffer, Integer> ports = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, KademliaDht> byId = new ConcurrentHashMap<>();
    private final Random random = new Random(9);

    @AfterEach
    void stop() throws IOException {
        for (ServerSocket s : servers) s.close();
        pool.shutdownNow();
    }

    private StreamDhtNetwork.KadStream connect(DhtPeer self, DhtPeer to) throws IOException {
        Integer port = ports.get(ByteBuffer.wrap(to.id()));
        if (port == null) throw new IOException("no address");
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        OutputStream out = s.getOutputStream();
        byte[] id = self.id();
        out.write(id.length);
        out.write(id);
        return new StreamDhtNetwork.KadStream() {
            public InputStream in() {
                try {
                    return s.getInputStream();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            public OutputStream out() {
                return out;
            }

            public void close() throws IOException {
                s.close();
            }
        };
    }

    private KademliaDht start(byte[] peerId) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(ss);
        DhtPeer self = new DhtPeer(peerId, List.of(HexFormat.of().parseHex("047f000001"))); // /ip4/127.0.0.1
        StreamDhtNetwork net = new StreamDhtNetwork((p, proto) -> connect(self, p), KadStreams.SBRIDGE, pool, 2000);
        KademliaDht dht = new KademliaDht(self, DhtConfig.defaults(), net, new MemoryDhtStorage(), new SignedRecords(),
                System::currentTimeMillis, new Random(random.nextLong()));
        ports.put(ByteBuffer.wrap(peerId), ss.getLocalPort());
        byId.put(ByteBuffer.wrap(peerId), dht);
        pool.submit(() -> {
            while (!ss.isClosed()) {
                Socket s;
                try {
                    s = ss.accept();
                } catch (IOException e) {
                    return;
                }
                pool.submit(() -> {
                    try (s) {
                        InputStream in = s.getInputStream();
                        int len = in.read();
                        byte[] remote = in.readNBytes(len);
                        KademliaDht r = byId.get(ByteBuffer.wrap(remote));
                        DhtPeer rp = r != null ? r.self() : new DhtPeer(remote, List.of());
                        KadStreams.serve(dht, rp, true, in, s.getOutputStream());
                    } catch (IOException e) {
                        // peer went away or sent garbage: the stream ends, the server keeps going
                    }
                    return null;
                });
            }
        });
        return dht;
    }

    private byte[] randomPeerId() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return PeerId.toBytes(k);
    }

    @Test
    void dhtOperationsOverTcpStreams() throws Exception {
        List<KademliaDht> nodes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            KademliaDht n = start(randomPeerId());
            if (!nodes.isEmpty()) n.bootstrap(List.of(nodes.get(0).self()));
            nodes.add(n);
        }
        NodeIdentity owner = NodeIdentity.fromSeed(new byte[32]);
        KademliaDht publisher = start(PeerId.toBytes(owner.publicIdentity().publicKey()));
        publisher.bootstrap(List.of(nodes.get(4).self()));
        byte[] key = SignedRecords.nodeKey(owner.publicIdentity().peerId());
        byte[] value = SignedRecords.signNodeContact(owner, 1, "u0vx", 0, List.of("overlay"), List.of());
        assertEquals(20, publisher.putValue(key, value).stored());
        assertArrayEquals(value, nodes.get(20).getValue(key, 3).value());
        byte[] region = RegionKeys.providerKey("u0vx");
        publisher.provide(region);
        assertEquals(List.of(publisher.self()), nodes.get(11).findProviders(region, 3).providers());
        KademliaDht.PeerSearch s = nodes.get(7).findPeer(nodes.get(23).self().id());
        assertEquals(nodes.get(23).self(), s.peer());
        assertArrayEquals(HexFormat.of().parseHex("047f000001"), s.peer().addrs().get(0));
    }

    @Test
    void garbageEndsTheStreamAndSilenceTimesOut() throws Exception {
        KademliaDht a = start(randomPeerId());
        // a frame announcing 16 MiB is refused before anything is allocated
        byte[] huge = {(byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        var e = assertThrows(KadStreams.BadFrameException.class,
                () -> KadStreams.read(new java.io.ByteArrayInputStream(huge), DhtMessageCodec.Limits.DEFAULT));
        assertEquals(DhtMessageCodec.Error.TOO_LARGE, e.error);
        assertNull(KadStreams.read(new java.io.ByteArrayInputStream(new byte[0]), DhtMessageCodec.Limits.DEFAULT));
        // a server that accepts and never answers: the request fails after the timeout
        ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        servers.add(silent);
        DhtPeer mute = new DhtPeer(randomPeerId(), List.of());
        ports.put(ByteBuffer.wrap(mute.id()), silent.getLocalPort());
        pool.submit(() -> {
            List<Socket> held = new ArrayList<>();
            while (!silent.isClosed()) held.add(silent.accept());
            return null;
        });
        assertFalse(a.ping(mute));
        // a garbage request over a real stream: the server closes, the client sees no answer
        StreamDhtNetwork.KadStream st = connect(new DhtPeer(randomPeerId(), List.of()), a.self());
        st.out().write(HexFormat.of().parseHex("03ffffff"));
        st.out().flush();
        assertEquals(-1, st.in().read());
        st.close();
        assertThrows(CompletionException.class, () -> new StreamDhtNetwork((p, proto) -> {
            throw new IOException("unreachable");
        }, KadStreams.SBRIDGE, pool, 500).send(mute, DhtMessage.request(DhtMessage.Type.PING, new byte[0])).join());
    }
}
