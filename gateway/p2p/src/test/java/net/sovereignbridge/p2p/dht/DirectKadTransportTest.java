package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.multistream.MultistreamSelect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The interim daemon transport: TCP + libp2p Noise + multistream-select, real sockets on 127.0.0.1. */
class DirectKadTransportTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<DirectKadTransport> transports = new ArrayList<>();

    @AfterEach
    void stop() {
        transports.forEach(DirectKadTransport::close);
        pool.shutdownNow();
    }

    private KademliaDht node(NodeIdentity id) throws IOException {
        DirectKadTransport t = new DirectKadTransport(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List.of());
        transports.add(t);
        DhtPeer self = new DhtPeer(PeerId.toBytes(id.publicIdentity().publicKey()), t.listenAddrs());
        KademliaDht dht = new KademliaDht(self, DhtConfig.defaults(), new StreamDhtNetwork(t, KadStreams.SBRIDGE, pool, 3000),
                new MemoryDhtStorage(), new SignedRecords(), System::currentTimeMillis, new Random(1));
        t.serve(dht);
        return dht;
    }

    private static NodeIdentity identity(int seed) {
        byte[] s = new byte[32];
        new Random(seed).nextBytes(s);
        return NodeIdentity.fromSeed(s);
    }

    @Test
    void nodesJoinThroughOneSeedAndShareValuesAndProviders() throws Exception {
        List<KademliaDht> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            KademliaDht n = node(identity(i));
            if (!nodes.isEmpty()) n.bootstrap(List.of(nodes.get(0).self()));
            nodes.add(n);
        }
        // the seed learned the others from their hello (server mode + listen address), so the last joiner
        // finds the first joiners through it
        assertTrue(nodes.get(0).routingTable().size() >= 4, "seed table: " + nodes.get(0).routingTable().size());
        assertEquals(nodes.get(1).self(), nodes.get(5).findPeer(nodes.get(1).self().id()).peer());
        NodeIdentity owner = identity(0);
        byte[] key = SignedRecords.nodeKey(owner.publicIdentity().peerId());
        byte[] value = SignedRecords.signNodeContact(owner, 3, "u0vx", 0, List.of("overlay"), nodes.get(0).self().addrs());
        assertTrue(nodes.get(0).putValue(key, value).stored() >= 4);
        assertArrayEquals(value, nodes.get(4).getValue(key, 2).value());
        byte[] region = RegionKeys.providerKey("u0vx");
        nodes.get(2).provide(region);
        assertEquals(List.of(nodes.get(2).self()), nodes.get(5).findProviders(region, 3).providers());
    }

    @Test
    void aDialledPeerWithAnotherKeyIsRefused() throws Exception {
        KademliaDht a = node(identity(10));
        KademliaDht b = node(identity(11));
        // b's address under an impostor's PeerId: the Noise handshake names b's key, not the one we expect
        DhtPeer wrong = new DhtPeer(PeerId.toBytes(identity(12).publicIdentity().publicKey()), b.self().addrs());
        assertFalse(a.ping(wrong));
        assertTrue(a.ping(b.self()));
    }

    @Test
    void plaintextGarbageIsDroppedAndTheListenerKeepsServing() throws Exception {
        KademliaDht a = node(identity(20));
        int port = transports.get(0).port();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(MultistreamSelect.encode(MultistreamSelect.HEADER));
            out.write(MultistreamSelect.encode("/plaintext/2.0.0"));
            out.write(new byte[] {0x7f, 1, 2, 3});
            out.flush();
            InputStream in = s.getInputStream();
            assertEquals(MultistreamSelect.HEADER, MultistreamSelect.readLine(in));
            assertEquals(MultistreamSelect.NA, MultistreamSelect.readLine(in));
        }
        KademliaDht b = node(identity(21));
        assertTrue(b.ping(a.self()), "still serving after a bad client");
    }

    @Test
    void helloLimits() {
        byte[] tooMany = {1, 17};
        assertThrows(IOException.class, () -> DirectKadTransport.readHello(new java.io.ByteArrayInputStream(tooMany)));
        byte[] tooLong = {1, 1, (byte) 0x81, 0x02}; // 257 bytes
        assertThrows(IOException.class, () -> DirectKadTransport.readHello(new java.io.ByteArrayInputStream(tooLong)));
        byte[] cut = {1, 1, 5, 4, 127};
        assertThrows(IOException.class, () -> DirectKadTransport.readHello(new java.io.ByteArrayInputStream(cut)));
    }
}
