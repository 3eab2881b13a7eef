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
import net.sovereignbridge.drivers.meshtastic.MeshtasticException;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Meshtastic's own MQTT, uplink and (when asked) downlink. Uplink: every packet a Meshtastic MQTT gateway would upload (OK_TO_MQTT set, not itself from
 * MQTT, not addressed to us) goes, still encrypted with its channel key, in a {@link ServiceEnvelope} to {@code
 * <root>/2/e/<channel>/!<our node id>} on the configured broker (Meshtastic's public one, or a community's), where
 * Meshtastic's maps and apps read it. A connection of its own: that broker is rarely the gateway's local one.
 *
 * <p>Downlink: envelopes other gateways publish on {@code <root>/2/e/<channel>/+} (not ours, of our channel, at most
 * {@link ServiceEnvelope#MAX_SIZE} bytes, still encrypted) are handed to a {@link Downlink}, which puts them on the
 * air within the internet share; anything else is counted and dropped.
 *
 * <p>Bounded: publishes are QoS 0 and dropped (counted) while the broker is away, so a dead broker costs nothing but
 * a counter; a reconnect is tried every {@link #RECONNECT_SECONDS}.
 */
final class MeshtasticMqtt implements AutoCloseable {
    /** Where packets from Meshtastic's MQTT go (on Paho's callback thread). */
    @FunctionalInterface
    interface Downlink {
        void packet(MeshPacket packet);
    }

    private static final RateLimitedLog limitedLog = RateLimitedLog.of(MeshtasticMqtt.class);
    static final int RECONNECT_SECONDS = 10;

    private final String root;
    private final String gatewayId;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options = new MqttConnectOptions();
    private final ScheduledExecutorService reconnect;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final Channel channel;
    private final Downlink downlink;
    private volatile boolean connecting;

    /** @param downlink null: uplink only */
    MeshtasticMqtt(String brokerUri, String root, int node, Channel channel, Downlink downlink) throws MqttException {
        this.root = root;
        this.channel = channel;
        this.downlink = downlink;
        this.gatewayId = PacketHeader.nodeId(node);
        this.client = new MqttAsyncClient(brokerUri, "sbridge-" + gatewayId.substring(1), new MemoryPersistence());
        options.setCleanSession(true);
        options.setAutomaticReconnect(false); // ours below: Paho's does not retry a first connect that failed
        options.setConnectionTimeout(10);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                limitedLog.warn("meshtastic.mqtt.lost", "Meshtastic MQTT {}: connection lost: {}", gatewayId,
                        String.valueOf(cause));
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onMessage(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
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
            if (downlink != null) client.subscribe(root + "/2/e/" + channel.name() + "/+", 0).waitForCompletion(15_000);
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

    /** An envelope from the broker: another gateway's upload of our channel goes to the downlink, nothing else. */
    private void onMessage(String topic, byte[] payload) {
        if (downlink == null) return;
        if (topic.endsWith("/" + gatewayId) || payload.length > ServiceEnvelope.MAX_SIZE) {
            ignored.incrementAndGet(); // our own upload coming back, or more than an envelope can be
            return;
        }
        ServiceEnvelope e;
        try {
            e = ServiceEnvelope.decode(payload);
        } catch (MeshtasticException ex) {
            ignored.incrementAndGet();
            limitedLog.warn("meshtastic.mqtt.bad", "Meshtastic MQTT {}: bad envelope on {}: {}", gatewayId, topic,
                    ex.getMessage());
            return;
        }
        if (!e.channelId().equals(channel.name()) || e.packet().encrypted().isEmpty() || gatewayId.equals(e.gatewayId())) {
            ignored.incrementAndGet();
            return;
        }
        received.incrementAndGet();
        try {
            downlink.packet(e.packet());
        } catch (RuntimeException ex) {
            // an exception would make Paho drop the connection; one bad envelope must not cost the others
            limitedLog.warn("meshtastic.mqtt.downlink", "Meshtastic MQTT {}: envelope on {} not sent: {}", gatewayId,
                    topic, ex.toString());
        }
    }

    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("broker", client.getServerURI());
        m.put("connected", client.isConnected());
        m.put("published", published.get());
        m.put("dropped", dropped.get());
        if (downlink != null) {
            m.put("downlinkReceived", received.get());
            m.put("downlinkIgnored", ignored.get());
        }
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
