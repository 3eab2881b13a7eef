package net.sovereignbridge.app.transport.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.drivers.audiomodem.emulator.EmulatedRoom;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole gateways whose only link is sound: each has a {@code {type: audio}} transport on its own emulated USB
 * sound card (javax.sound.sampled sees them through a MixerProvider), both cards in one emulated room with a
 * delay, an echo and noise. They learn each other from announces and exchange messages both ways; a card that is
 * missing at start makes the transport UNAVAILABLE with the reason and it comes up when the card is plugged in.
 */
class TwoGatewaysOverAudioTest {
    private final List<Gateway> gateways = new ArrayList<>();
    private EmulatedRoom room;

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        gateways.forEach(Gateway::close);
        if (room != null) room.close();
    }

    private record Running(Gateway gateway, LinkedBlockingQueue<Inbox.Message> delivered) {
        MeshAddress address() {
            return gateway.node().address();
        }

        AudioTransport audio() {
            return (AudioTransport) gateway.node().transports().get("audio0");
        }
    }

    private Running start(String name, String device) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "node:\n  name: " + name + "\nlan:\n  enabled: false\n"
                + "p2p:\n  enabled: false\ncoap:\n  enabled: false\nmqtt:\n  enabled: false\ntransports:\n"
                + "  - {type: audio, id: audio0, device: \"" + device + "\", mode: ggwave-u-fastest, volume: 40}\n");
        GatewayConfig config = GatewayConfig.load(file, dir.resolve(name), null, GatewayConfig.Role.GATEWAY,
                TransportFactories.all());
        Gateway g = Gateway.start(config);
        gateways.add(g);
        LinkedBlockingQueue<Inbox.Message> delivered = new LinkedBlockingQueue<>();
        g.node().addDeliveryListener(delivered::add);
        return new Running(g, delivered);
    }

    private static void awaitState(Running r, TransportState state, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (r.audio().state() != state && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(state, r.audio().state(), r.audio().stateReason());
    }

    private static void awaitPeer(Running at, Running peer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (at.gateway().node().peers().key(peer.address()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(at.gateway().node().peers().key(peer.address()).isPresent(),
                at.gateway().config().nodeName() + " never learned " + peer.gateway().config().nodeName());
    }

    private static void exchange(Running from, Running to, byte[] body) throws Exception {
        from.gateway().node().send(to.address(), body, SendOptions.defaults());
        Inbox.Message m = to.delivered().poll(90, TimeUnit.SECONDS);
        assertNotNull(m, "a message of " + body.length + " bytes did not arrive");
        assertEquals(from.address(), m.source());
        assertArrayEquals(body, m.body());
        assertEquals("audio0", m.transport());
    }

    @Test
    void twoGatewaysInOneRoomExchangeMessagesOverSound() throws Exception {
        room = new EmulatedRoom(0.5, 240, 700, 0.2, 0.003, 11);
        room.addCard("room-A USB Audio");
        Running alpha = start("alpha", "room-A");
        Running beta = start("beta", "room-B");
        awaitState(alpha, TransportState.ACTIVE, 10);
        // beta's card is not plugged in yet: the gateway runs, the transport says why it cannot
        awaitState(beta, TransportState.UNAVAILABLE, 10);
        assertTrue(beta.audio().stateReason().contains("no sound card named 'room-B'"), beta.audio().stateReason());
        room.addCard("room-B USB Audio");
        awaitState(beta, TransportState.ACTIVE, 20);

        alpha.gateway().node().announce();
        awaitPeer(beta, alpha);
        beta.gateway().node().announce();
        awaitPeer(alpha, beta);

        exchange(alpha, beta, "alpha to beta, through the air".getBytes(StandardCharsets.UTF_8));
        exchange(beta, alpha, "and back".getBytes(StandardCharsets.UTF_8));

        // Half duplex in one room: each microphone hears its own speaker, and those frames are recognised as ours.
        // Two gateways that start playing within the same moment collide; that is counted (checks-failed), and
        // the mesh's retries carried the messages above.
        Map<String, Object> fields = alpha.audio().statusFields();
        assertTrue(((Long) fields.get("own-echoes")) > 0, "alpha's microphone heard alpha's own frames: " + fields);
        assertTrue(((Long) fields.get("frames-heard")) >= ((Long) fields.get("own-echoes")) + 1, fields.toString());
    }
}
