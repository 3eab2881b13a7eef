package net.sovereignbridge.app.transport.kiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.drivers.kiss.PtyPair;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole gateways (configuration file, the factories of {@link TransportFactories#all()}, SQLite, node) whose only
 * link is a KISS one: each has a {@code {type: kiss}} transport on one end of a socat pty pair, a null-modem cable
 * between two TNC ports. They learn each other from announces and exchange messages, one of them larger than the
 * KISS MTU so that it crosses as fragments.
 */
class TwoGatewaysOverKissTest {
    private final List<Gateway> gateways = new ArrayList<>();
    private PtyPair pair;

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        gateways.forEach(Gateway::close);
        if (pair != null) pair.close();
    }

    private record Running(Gateway gateway, LinkedBlockingQueue<Inbox.Message> delivered) {
        MeshAddress address() {
            return gateway.node().address();
        }
    }

    private Running start(String name, String device, String callsign) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\n  announce-interval-seconds: 5\nlan:\n  enabled: false\n"
                + "p2p:\n  enabled: false\ncoap:\n  enabled: false\nmqtt:\n  enabled: false\ntransports:\n"
                + "  - {type: kiss, id: kiss0, device: " + device + ", callsign: " + callsign
                + ", speed: 115200, air-bitrate: 9600, txdelay: 0}\n");
        GatewayConfig config = GatewayConfig.load(file, dir.resolve(name), null, GatewayConfig.Role.GATEWAY,
                TransportFactories.all());
        Gateway g = Gateway.start(config);
        gateways.add(g);
        LinkedBlockingQueue<Inbox.Message> delivered = new LinkedBlockingQueue<>();
        g.node().addDeliveryListener(delivered::add);
        return new Running(g, delivered);
    }

    private static void awaitPeer(Running at, Running peer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (at.gateway().node().peers().key(peer.address()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(at.gateway().node().peers().key(peer.address()).isPresent(),
                at.gateway().config().nodeName() + " never learned " + peer.gateway().config().nodeName());
    }

    private static Inbox.Message exchange(Running from, Running to, byte[] body) throws Exception {
        from.gateway().node().send(to.address(), body, SendOptions.defaults());
        Inbox.Message m = to.delivered().poll(30, TimeUnit.SECONDS);
        assertNotNull(m, "a message of " + body.length + " bytes did not arrive");
        assertEquals(from.address(), m.source());
        assertArrayEquals(body, m.body());
        return m;
    }

    @Test
    void twoGatewaysLinkedOnlyByKissExchangeMessagesBothWays() throws Exception {
        pair = new PtyPair(dir);
        Running alpha = start("alpha", pair.a(), "N0CALL-1");
        Running beta = start("beta", pair.b(), "N0CALL-2");
        for (Running r : List.of(alpha, beta)) {
            assertEquals(TransportState.ACTIVE, r.gateway().node().transports().get("kiss0").state());
        }
        alpha.gateway().node().announce(); // alpha's first announce went out before beta listened
        beta.gateway().node().announce();
        awaitPeer(alpha, beta);
        awaitPeer(beta, alpha);

        Inbox.Message m = exchange(alpha, beta, "alpha to beta over KISS".getBytes(StandardCharsets.UTF_8));
        assertEquals("kiss0", m.transport());
        assertEquals("kiss0", exchange(beta, alpha, "beta to alpha".getBytes(StandardCharsets.UTF_8)).transport());
        byte[] big = new byte[1500]; // several 256-byte link frames; holds FEND and FESC bytes
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7);
        assertEquals("kiss0", exchange(alpha, beta, big).transport());
    }
}
