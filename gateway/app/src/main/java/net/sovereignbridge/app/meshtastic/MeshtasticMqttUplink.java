package net.sovereignbridge.app.meshtastic;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.drivers.meshtastic.Channel;
import net.sovereignbridge.drivers.meshtastic.MeshPacket;
import net.sovereignbridge.drivers.meshtastic.PacketHeader;
import net.sovereignbridge.drivers.meshtastic.ServiceEnvelope;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Meshtastic's own MQTT uplink: every packet a Meshtastic MQTT gateway would upload (OK_TO_MQTT set, not itself from
 * MQTT, not addressed to us) goes, still encrypted with its channel key, in a {@link ServiceEnvelope} to {@code
 * <root>/2/e/<channel>/!<our node id>} on the configured broker (Meshtastic's public one, or a community's), where
 * Meshtastic's maps and apps read it. A connection of its own: that broker is rarely the gateway's local one.
 *
 * <p>Bounded: publishes are QoS 0 and dropped (counted) while the broker is away, so a dead broker costs nothing but
 * a counter; a reconnect is tried every {@link #RECONNECT_SECONDS}.
 */
final class MeshtasticMqttUplink implements AutoCloseable {
    private static final RateLimitedLog limitedLog = RateLimitedLog.of(MeshtasticMqttUplink.class);
    static final int RECONNECT_SECONDS = 10;

    private final String root;
    private final String gatewayId;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options = new MqttConnectOptions();
    private final ScheduledExecutorService reconnect;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean connecting;

    MeshtasticMqttUplink(String brokerUri, String root, int node) throws MqttException {
        this.root = root;
        this.gatewayId = PacketHeader.nodeId(node);
        this.client = new MqttAsyncClient(brokerUri, "sbridge-" + gatewayId.substring(1), new MemoryPersistence());
        options.setCleanSession(true);
        options.setAutomaticReconnect(false); // ours below: Paho's does not retry a first connect that failed
        options.setConnectionTimeout(10);
        this.reconnect = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshtastic-mqtt-" + gatewayId);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        reconnect.scheduleWithFixedDelay(this::connectIfNeeded, 0, RECONNECT_SECONDS, TimeUnit.SECONDS);
    }

    private void connectIfNeeded() {
        if (client.isConnected() || connecting) return;
        connecting = true;
        try {
            client.connect(options).waitForCompletion(15_000);
        } catch (MqttException e) {
            limitedLog.warn("meshtastic.mqtt", "Meshtastic MQTT uplink {}: cannot connect to {}: {}", gatewayId,
                    client.getServerURI(), e.getMessage());
        } finally {
            connecting = false;
        }
    }

    /** The topic our envelopes of {@code channel} go to. */
    String topic(Channel channel) {
        return root + "/2/e/" + channel.name() + "/" + gatewayId;
    }

    /** Uploads one packet heard on the air ({@code frame}: header and encrypted payload). Never blocks long. */
    void upload(PacketHeader header, Channel channel, byte[] frame, ReceivedPacket rx) {
        if (!client.isConnected()) {
            dropped.incrementAndGet();
            return;
        }
        MeshPacket packet = MeshPacket.fromAir(header, Arrays.copyOfRange(frame, PacketHeader.SIZE, frame.length),
                (int) (System.currentTimeMillis() / 1000), (float) rx.snrDb(), (int) Math.round(rx.rssiDbm()));
        ServiceEnvelope envelope = new ServiceEnvelope(packet, channel.name(), gatewayId);
        try {
            client.publish(topic(channel), envelope.encode(), 0, false);
            published.incrementAndGet();
        } catch (MqttException e) {
            dropped.incrementAndGet();
            limitedLog.warn("meshtastic.mqtt.publish", "Meshtastic MQTT uplink {}: publish failed: {}", gatewayId,
                    e.getMessage());
        }
    }

    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("broker", client.getServerURI());
        m.put("connected", client.isConnected());
        m.put("published", published.get());
        m.put("dropped", dropped.get());
        return m;
    }

    @Override
    public void close() {
        reconnect.shutdownNow();
        try {
            if (client.isConnected()) client.disconnect(2000).waitForCompletion(3000);
        } catch (MqttException e) {
            // closing anyway
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // closing anyway
        }
    }
}
