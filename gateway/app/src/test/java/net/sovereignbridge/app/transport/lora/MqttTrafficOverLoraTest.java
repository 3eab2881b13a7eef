package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.mqtt.MqttBridge;
import net.sovereignbridge.app.mqtt.MqttSettings;
import net.sovereignbridge.app.services.LocalTools;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.Sx127x;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.mesh.envelope.SignedFrames;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.topics.TopicBody;
import net.sovereignbridge.mesh.topics.Topics;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Never flood a radio mesh": a gateway node whose only link is LoRa (emulated SX1276, EU868 g2, 0.1 % duty cycle:
 * 3.6 s of air per hour, internet share 25 %: 0.9 s) bridged to a real Mosquitto. Device traffic published on
 * MQTT enters the mesh with origin DEVICE and is held at the internet share; the node's own traffic still flows.
 */
class MqttTrafficOverLoraTest {
    private static final double SPEEDUP = 5;
    private static final LoRaSettings SF7_G2 = LoRaSettings.builder().frequencyHz(868_950_000L).spreadingFactor(7)
            .build();
    private final ScaledAirClock clock = new ScaledAirClock(SPEEDUP);
    private final SimulatedAir air = new SimulatedAir(clock, 3);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) c.close();
        clock.close();
    }

    private LoraTransport lora(String name, int linkId) throws Exception {
        EmulatedSx127x chip = air.newRadio(name);
        Sx127x radio = new Sx127x(RadioBus.of(chip, chip.dio0(), chip.resetPin(), null), Duration.ofMillis(20), name);
        radio.begin();
        toClose.add(0, radio);
        return new LoraTransport(name, radio, SF7_G2, Region.EU868.subBands().get(1), linkId,
                LoraTransport.Options.defaults().withInternetShare(0.25).withRandomSeed(linkId),
                ScaledAirTime.of(clock, SPEEDUP));
    }

    @Test
    void mqttTrafficIsCappedAtTheInternetShareWhileLocalTrafficFlows(@TempDir Path dir) throws Exception {
        // a plain listener on the same air: sees every frame the gateway puts on air
        LinkedBlockingQueue<byte[]> heard = new LinkedBlockingQueue<>();
        LoraTransport listener = lora("listener", 0x0B0B);
        listener.start(new TransportListener() {
            @Override
            public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality quality) {
                heard.add(frame);
            }

            @Override
            public void onStateChanged(Transport t, TransportState state, String reason) {}
        });
        toClose.add(0, listener::stop);

        LoraTransport radio = lora("lora0", 0x0A0A);
        TransportManager manager = new TransportManager();
        manager.add(radio);
        Database db = Database.open(dir.resolve("state"));
        toClose.add(db);
        Node node = new Node(NodeIdentity.generate(new SecureRandom()), db, manager,
                Node.Options.defaults().withName("gw"), Clock.systemUTC());
        toClose.add(0, node);
        node.topics().setLimits(new Topics.Limits(600, 50)); // the airtime cap, not the topic rate, is under test
        node.start();
        LocalTools.await("the start-up announce on air", 10, () -> !heard.isEmpty());
        heard.clear();

        LocalTools.Mosquitto broker = new LocalTools.Mosquitto(dir.resolve("broker"));
        toClose.add(0, broker);
        MqttBridge bridge = MqttBridge.start(MqttSettings.defaults().withBroker(broker.uri()), broker.uri(), node);
        toClose.add(0, bridge);
        LocalTools.await("the bridge to connect", 20, bridge::connected);

        int devicePublishes = 8;
        for (int i = 0; i < devicePublishes; i++) {
            assertEquals(0, broker.publish("sbridge/topic/t", "sensor reading number " + i).exit());
        }
        LocalTools.await("all device messages taken by the node", 20,
                () -> ((Number) bridge.status().get("topicsIn")).longValue() == devicePublishes);
        LocalTools.await("the internet share to fill", 20, () -> radio.status().internetQueued() > 0
                && radio.status().airtime().internetUsedNanos() > 0 && radio.status().localQueued() == 0);
        Thread.sleep(1000); // 5 s of air time: the internet queue must not move while its share is used up
        LoraTransport.Status capped = radio.status();
        assertTrue(capped.airtime().internetUsedNanos() <= capped.airtime().internetBudgetNanos(),
                capped.airtime().internetUsedNanos() + " ns of device traffic > " + capped.airtime().internetBudgetNanos());
        assertEquals(900_000_000L, capped.airtime().internetBudgetNanos());
        int onAir = devicePublishes - capped.internetQueued();
        assertTrue(onAir >= 1 && onAir < devicePublishes, onAir + " device frames on air");
        List<byte[]> deviceFrames = new ArrayList<>();
        heard.drainTo(deviceFrames);
        assertEquals(onAir, deviceFrames.size(), "the listener heard exactly the frames the cap let through");
        for (byte[] f : deviceFrames) assertEquals(TrafficOrigin.DEVICE, originOf(f, node));

        // the node's own traffic is not held back by the device queue
        for (int i = 0; i < 3; i++) node.publish("t", ("local " + i).getBytes(), TrafficOrigin.LOCAL, null);
        List<byte[]> local = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] f = heard.poll(10, TimeUnit.SECONDS);
            assertTrue(f != null, "local frame " + i + " did not go on air");
            local.add(f);
        }
        for (byte[] f : local) assertEquals(TrafficOrigin.LOCAL, originOf(f, node));
        LoraTransport.Status after = radio.status();
        assertEquals(capped.internetQueued(), after.internetQueued(), "device frames still wait for their share");
        assertTrue(after.airtime().usedNanos() > capped.airtime().usedNanos());
    }

    private static TrafficOrigin originOf(byte[] frame, Node node) {
        MeshFrame f = FrameCodec.decode(frame).value();
        assertEquals(FrameType.BROADCAST, f.type());
        byte[] body = SignedFrames.verify(f, node.identity().publicIdentity()).value();
        return TopicBody.decode(body).value().origin();
    }
}
