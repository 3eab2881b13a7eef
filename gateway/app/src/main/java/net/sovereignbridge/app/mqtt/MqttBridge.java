package net.sovereignbridge.app.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.mesh.identity.IdentifierFormatException;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendException;
import net.sovereignbridge.mesh.store.Inbox;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local devices on MQTT (docs/services.md). Topics, with A = this node's mesh address:
 * <pre>
 * sbridge/A/inbox     each delivered message, JSON {id, from, messageId, sentAt, receivedAt, transport, text, data}
 * sbridge/A/send      devices publish {to, text | data(base64), ref?} to send through the mesh
 * sbridge/A/receipts  {ref, messageId, to, state} when accepted, and again when delivered or expired
 * sbridge/A/status    retained {state: online, address, did}; the broker publishes "offline" as last will
 * sbridge/A/errors    {error, topic} for rejected input
 * </pre>
 * Messages published while the broker is away are buffered (Paho's offline buffer, 10 000 messages) and
 * sent after the reconnect; the first connection is retried with backoff until the broker appears.
 */
public final class MqttBridge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MqttBridge.class);
    private static final int MAX_PAYLOAD = 64 * 1024;

    /** Broker and credentials from configuration (mqtt.*). */
    public record Options(String broker, String clientId, String username, String password) {}

    private final Node node;
    private final String base;
    private final MqttAsyncClient client;
    private final MqttConnectOptions connectOptions;
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mqtt-connect");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    public MqttBridge(Node node, Options options) throws MqttException {
        this.node = node;
        this.base = "sbridge/" + node.address().toHex() + "/";
        String id = options.clientId() == null || options.clientId().isEmpty()
                ? "sbridge-" + node.address().toHex().substring(0, 12) : options.clientId();
        this.client = new MqttAsyncClient(options.broker(), id, new MemoryPersistence());
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(10_000);
        buffer.setDeleteOldestMessages(false);
        client.setBufferOpts(buffer);
        connectOptions = new MqttConnectOptions();
        connectOptions.setAutomaticReconnect(true);
        connectOptions.setCleanSession(false);
        connectOptions.setMaxReconnectDelay(60);
        connectOptions.setWill(base + "status", "offline".getBytes(StandardCharsets.UTF_8), 1, true);
        if (options.username() != null && !options.username().isEmpty()) {
            connectOptions.setUserName(options.username());
            connectOptions.setPassword(options.password() == null ? new char[0] : options.password().toCharArray());
        }
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                log.info("MQTT connected to {}{}", serverUri, reconnect ? " (again)" : "");
                onConnected();
            }

            @Override
            public void connectionLost(Throwable cause) {
                log.warn("MQTT connection lost: {}", cause == null ? "" : cause.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onSend(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
        node.addDeliveryListener(this::publishInbox);
        node.addStateListener(c -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("messageId", Integer.toUnsignedLong(c.messageId()));
            r.put("to", c.destination().toHex());
            r.put("state", c.state().name().toLowerCase(java.util.Locale.ROOT));
            publish("receipts", r, false);
        });
    }

    /** Connects in the background, retrying with backoff (1 s doubling to 60 s) until the broker answers. */
    public void start() {
        connect(1);
    }

    private void connect(long delaySeconds) {
        if (closed) return;
        try {
            client.connect(connectOptions).waitForCompletion(10_000);
        } catch (MqttException e) {
            long next = Math.min(60, delaySeconds * 2);
            log.warn("MQTT broker not reachable ({}); retrying in {} s", e.getMessage(), delaySeconds);
            retry.schedule(() -> connect(next), delaySeconds, TimeUnit.SECONDS);
        }
    }

    private void onConnected() {
        try {
            client.subscribe(base + "send", 1);
        } catch (MqttException e) {
            log.warn("MQTT subscribe failed: {}", e.getMessage());
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", "online");
        status.put("address", node.address().toHex());
        status.put("did", node.identity().publicIdentity().did());
        publish("status", status, true);
    }

    private void onSend(String topic, byte[] payload) {
        Map<String, Object> req;
        try {
            if (payload.length > MAX_PAYLOAD) throw new IllegalArgumentException("payload over " + MAX_PAYLOAD + " bytes");
            req = Json.parseObject(new String(payload, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            error(topic, "malformed send request: " + e.getMessage());
            return;
        }
        Object to = req.get("to");
        byte[] body;
        if (req.get("text") instanceof String t) {
            body = t.getBytes(StandardCharsets.UTF_8);
        } else if (req.get("data") instanceof String d) {
            try {
                body = Base64.getDecoder().decode(d);
            } catch (IllegalArgumentException e) {
                error(topic, "'data' is not base64");
                return;
            }
        } else {
            error(topic, "send request needs 'to' and one of 'text' or 'data'");
            return;
        }
        MeshAddress destination;
        try {
            destination = MeshAddress.parse(String.valueOf(to));
        } catch (IdentifierFormatException e) {
            error(topic, e.getMessage());
            return;
        }
        Map<String, Object> receipt = new LinkedHashMap<>();
        if (req.get("ref") != null) receipt.put("ref", req.get("ref"));
        try {
            Node.Sent sent = node.send(destination, body);
            receipt.put("messageId", Integer.toUnsignedLong(sent.messageId()));
            receipt.put("to", destination.toHex());
            receipt.put("state", sent.state().name().toLowerCase(java.util.Locale.ROOT));
            publish("receipts", receipt, false);
        } catch (SendException e) {
            error(topic, e.getMessage());
        }
    }

    private void publishInbox(Inbox.Message m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", m.id());
        j.put("from", m.source().toHex());
        j.put("messageId", Integer.toUnsignedLong(m.messageId()));
        j.put("sentAt", m.sentAt().toString());
        j.put("receivedAt", m.receivedAt().toString());
        j.put("transport", m.transport());
        j.put("text", new String(m.body(), StandardCharsets.UTF_8));
        j.put("data", Base64.getEncoder().encodeToString(m.body()));
        publish("inbox", j, false);
    }

    private void error(String topic, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("error", message);
        e.put("topic", topic);
        publish("errors", e, false);
    }

    private void publish(String leaf, Map<String, Object> json, boolean retained) {
        try {
            MqttMessage m = new MqttMessage(Json.write(json).getBytes(StandardCharsets.UTF_8));
            m.setQos(1);
            m.setRetained(retained);
            client.publish(base + leaf, m);
        } catch (MqttException e) {
            // Before the first connection Paho has no buffer yet: the inbox in SQLite still has the message.
            log.warn("MQTT publish to {} failed: {}", base + leaf, e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        retry.shutdownNow();
        try {
            if (client.isConnected()) {
                client.publish(base + "status", "offline".getBytes(StandardCharsets.UTF_8), 1, true)
                        .waitForCompletion(2_000);
                client.disconnect().waitForCompletion(2_000);
            }
            client.close();
        } catch (MqttException e) {
            log.debug("MQTT close: {}", e.getMessage());
        }
    }
}
