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
import net.sovereignbridge.drivers.kiss.AudioCable;
import net.sovereignbridge.drivers.kiss.Direwolf;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole gateways, each with its {@code {type: kiss}} transport on its own direwolf (a real software TNC), and the
 * two direwolfs' audio cabled together ({@link AudioCable}): mesh frames go out as AX.25 UI frames, direwolf
 * modulates them as 1200 baud AFSK, the other direwolf demodulates them and hands them to the other gateway. The
 * gateways learn each other and exchange messages both ways at 1200 bit/s.
 */
class TwoGatewaysOverDirewolfTest {
    private final List<Gateway> gateways = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        gateways.forEach(Gateway::close);
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private record Running(Gateway gateway, LinkedBlockingQueue<Inbox.Message> delivered) {
        MeshAddress address() {
            return gateway.node().address();
        }
    }

    private Running start(String name, Direwolf tnc, String callsign) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\n  announce-interval-seconds: 300\nlan:\n  enabled: false\n"
                + "p2p:\n  enabled: false\ncoap:\n  enabled: false\nmqtt:\n  enabled: false\ntransports:\n"
                + "  - {type: kiss, id: kiss0, device: " + tnc.pty() + ", callsign: " + callsign
                + ", speed: 115200, air-bitrate: 1200, txdelay: 20, slottime: 5}\n");
        GatewayConfig config = GatewayConfig.load(file, dir.resolve(name), null, GatewayConfig.Role.GATEWAY,
                TransportFactories.all());
        Gateway g = Gateway.start(config);
        gateways.add(g);
        LinkedBlockingQueue<Inbox.Message> delivered = new LinkedBlockingQueue<>();
        g.node().addDeliveryListener(delivered::add);
        return new Running(g, delivered);
    }

    private static void awaitPeers(Running a, Running b) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while ((a.gateway().node().peers().key(b.address()).isEmpty()
                || b.gateway().node().peers().key(a.address()).isEmpty()) && System.nanoTime() < deadline) {
            if (a.gateway().node().peers().key(b.address()).isEmpty()) b.gateway().node().announce();
            if (b.gateway().node().peers().key(a.address()).isEmpty()) a.gateway().node().announce();
            Thread.sleep(8_000); // an announce takes about a second on air at 1200 bit/s
        }
        assertTrue(a.gateway().node().peers().key(b.address()).isPresent(), "alpha never learned beta");
        assertTrue(b.gateway().node().peers().key(a.address()).isPresent(), "beta never learned alpha");
    }

    private static void exchange(Running from, Running to, byte[] body) throws Exception {
        from.gateway().node().send(to.address(), body, SendOptions.defaults());
        Inbox.Message m = to.delivered().poll(90, TimeUnit.SECONDS);
        assertNotNull(m, "a message of " + body.length + " bytes did not arrive");
        assertEquals(from.address(), m.source());
        assertArrayEquals(body, m.body());
        assertEquals("kiss0", m.transport());
    }

    @Test
    void twoGatewaysEachOnItsOwnDirewolfExchangeMessagesOverAfskAudio() throws Exception {
        Direwolf dwA = Direwolf.startWithAudioOut(Files.createDirectories(dir.resolve("dw-a")), "N0CALL-1");
        open.add(dwA);
        Direwolf dwB = Direwolf.startWithAudioOut(Files.createDirectories(dir.resolve("dw-b")), "N0CALL-2");
        open.add(dwB);
        open.add(new AudioCable(dwA, dwB));
        Running alpha = start("alpha", dwA, "N0CALL-1");
        Running beta = start("beta", dwB, "N0CALL-2");
        for (Running r : List.of(alpha, beta)) {
            assertEquals(TransportState.ACTIVE, r.gateway().node().transports().get("kiss0").state());
        }
        awaitPeers(alpha, beta);
        exchange(alpha, beta, "alpha to beta through two direwolfs".getBytes(StandardCharsets.UTF_8));
        exchange(beta, alpha, "beta to alpha".getBytes(StandardCharsets.UTF_8));
        // direwolf printed the frames it keyed up for; none of ours was refused as bad KISS or AX.25
        assertTrue(dwA.lines().contains("[0L] N0CALL-1>SBRDG"), dwA.lines());
        assertTrue(!dwA.lines().contains("Invalid KISS") && !dwB.lines().contains("Invalid KISS"));
    }
}
