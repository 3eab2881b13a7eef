package net.sovereignbridge.app.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.app.services.IngressGovernor;
import net.sovereignbridge.app.services.LocalSender;
import net.sovereignbridge.app.services.MessageViews;
import net.sovereignbridge.app.services.ReceiptTracker;
import net.sovereignbridge.app.services.SendRequest;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.store.Inbox;
import net.sovereignbridge.mesh.topics.TopicMessage;
import net.sovereignbridge.mesh.topics.Topics;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges the node to an MQTT broker with the Paho client. Topics (docs/services.md), with
 * {@code A} this node's mesh address in hex:
 * <ul>
 *   <li>{@code sbridge/A/inbox}: each delivered message (JSON, QoS 1);</li>
 *   <li>{@code sbridge/A/send}: devices publish {@code {to, text | data, ref?}} to send;</li>
 *   <li>{@code sbridge/A/receipts}: the outcome of each send ({@code state} sent or rejected);</li>
 *   <li>{@code sbridge/A/status}: retained "online"; the broker publishes the last will "offline";</li>
 *   <li>{@code sbridge/A/errors}: input that was refused, with the reason.</li>
 * </ul>
 *
 * <p>Everything we publish goes through one ordered queue drained by one thread: while the broker is
 * away, messages wait there (at most {@code mqtt.queue-limit}; beyond it the oldest are dropped and
 * counted) and go out after the reconnect. Reconnects back off exponentially from 1 s to 60 s with jitter.
 */
public final class MqttBridge implements AutoCloseable, Topics.Listener {
    /** Mesh topics are bridged to and from {@code sbridge/topic/<name>} (one level: names have no '/'). */
    public static final String TOPIC_PREFIX = "sbridge/topic/";
    private static final Logger log = LoggerFactory.getLogger(MqttBridge.class);
    private static final long MAX_BACKOFF_MS = 60_000;
    /** Mosquitto's count of messages it dropped because a client's queue was full (or it was offline). */
    static final String BROKER_DROPPED = "$SYS/broker/publish/messages/dropped";
    /** Lines a device or a flood can cause: a few per minute per kind, then a count. */
    private static final RateLimitedLog limitedLog = RateLimitedLog.of(MqttBridge.class);

    /** Where the broker comes from, which decides what we check and watch. */
    public enum BrokerOrigin {
        /** mqtt.broker names it: its owner runs it. */
        CONFIGURED,
        /** the embedded port, already served by a broker (the system's Mosquitto): we warn if it admits anonymous clients. */
        LOCAL,
        /** the embedded broker we started: we watch its drop counter. */
        STARTED
    }

    private final MqttSettings settings;
    private final String base;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final LocalSender sender;
    private final ReceiptTracker receipts;
    private final Deque<Outgoing> pending = new ArrayDeque<>();
    private final ScheduledExecutorService reconnects;
    /** Published but not yet acknowledged (QoS 1), oldest first; put back at the head if the link drops. */
    private final java.util.LinkedHashSet<Outgoing> inflight = new java.util.LinkedHashSet<>();
    private static final int WINDOW = 32;
    private final Thread publisher;
    /**
     * Device messages received and not yet handled. Unbounded here but bounded by the broker: it sends at
     * most its in-flight window (Mosquitto: max_inflight_messages, 20) without our acknowledgement, and we
     * acknowledge only after handling; the rest wait in the broker's queue for us.
     */
    private final java.util.concurrent.LinkedBlockingQueue<Incoming> incoming = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Thread ingress;
    /** Counts connections, so a message is acknowledged only on the connection it came on. */
    private final AtomicLong generation = new AtomicLong();

    private record Incoming(String topic, MqttMessage message, long generation) {}
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong droppedWhileAway = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong topicsIn = new AtomicLong();
    private final AtomicLong topicsOut = new AtomicLong();
    private final AtomicLong renderingsIgnored = new AtomicLong();
    private final BrokerOrigin origin;
    /** The broker's dropped counter when we first read it, and the latest reading (-1: none yet). */
    private long dropBase = -1;
    private volatile long brokerDropped;
    private volatile boolean anonymous;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile String lastError = "";
    private long backoffMs = 1000;

    /** Identity-compared on purpose: two equal payloads are two messages. */
    private static final class Outgoing {
        private final String topic;
        private final byte[] payload;
        private final boolean retained;

        Outgoing(String topic, byte[] payload, boolean retained) {
            this.topic = topic;
            this.payload = payload;
            this.retained = retained;
        }

        String topic() {
            return topic;
        }

        byte[] payload() {
            return payload;
        }

        boolean retained() {
            return retained;
        }
    }

    private MqttBridge(MqttSettings settings, String brokerUri, Node node, BrokerOrigin origin)
            throws MqttException, IOException {
        this.settings = settings;
        this.origin = origin;
        String address = node.address().toHex();
        this.base = "sbridge/" + address + "/";
        String clientId = settings.clientId() != null ? settings.clientId() : "sbridge-" + address.substring(0, 12);
        this.client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
        this.options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(false); // ours: backoff with jitter, resubscribe, flush the queue
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        options.setMaxInflight(64);
        options.setWill(base + "status", "offline".getBytes(StandardCharsets.UTF_8), 1, true);
        if (settings.username() != null) options.setUserName(settings.username());
        if (settings.password() != null) options.setPassword(settings.password().toCharArray());
        if (settings.caFile() != null) options.setSocketFactory(trusting(settings).getSocketFactory());
        this.sender = new LocalSender(node, IngressGovernor.of(settings.ingressPerMinute(), settings.ingressBurst()));
        this.reconnects = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mqtt-connect"));
        this.publisher = daemon(this::drain, "mqtt-publish");
        this.ingress = daemon(this::ingest, "mqtt-ingress");
        client.setManualAcks(true);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                connected = false;
                generation.incrementAndGet(); // what came on the lost connection cannot be acknowledged on the next
                requeueInflight();
                lastError = String.valueOf(cause.getMessage());
                log.warn("MQTT: connection to {} lost: {}{}", brokerUri, cause.getMessage(),
                        cause.getCause() != null ? " (" + cause.getCause() + ")" : "");
                scheduleConnect(0);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                if (topic.startsWith("$SYS/")) {
                    onBrokerCounter(topic, message.getPayload());
                    return;
                }
                received.incrementAndGet();
                // Not acknowledged here (manual acks): the ingress thread acknowledges after the message is
                // committed or refused with a receipt. Paho's callback thread must stay free, since it also
                // completes our own publishes.
                incoming.add(new Incoming(topic, message, generation.get()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // QoS 1 completion is awaited by the publisher thread
            }
        });
        node.addDeliveryListener(this::onDelivered);
        this.receipts = new ReceiptTracker(node, this::publishReceipt);
        // Mesh -> MQTT needs the node to keep the bridged topics; "*" (the default) keeps all of them.
        for (String t : settings.topics()) node.topics().subscribe(t);
        node.topics().addListener(this);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static SSLContext trusting(MqttSettings s) throws IOException {
        try (InputStream in = Files.newInputStream(s.caFile())) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("mqtt.ca-file " + s.caFile() + ": " + e.getMessage(), e);
        }
    }

    /** Creates the client and starts connecting in the background; a broker that is away is retried. */
    public static MqttBridge start(MqttSettings settings, String brokerUri, Node node) throws IOException {
        return start(settings, brokerUri, node, BrokerOrigin.CONFIGURED);
    }

    /** As above, for a broker of the given origin. */
    public static MqttBridge start(MqttSettings settings, String brokerUri, Node node, BrokerOrigin origin)
            throws IOException {
        try {
            MqttBridge b = new MqttBridge(settings, brokerUri, node, origin);
            b.publisher.start();
            b.ingress.start();
            b.scheduleConnect(0);
            return b;
        } catch (MqttException e) {
            throw new IOException("MQTT client for " + brokerUri + ": " + e.getMessage(), e);
        }
    }

    public String topic(String leaf) {
        return base + leaf;
    }

    private void scheduleConnect(long delayMs) {
        if (closed) return;
        reconnects.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
    }

    private void connect() {
        if (closed || client.isConnected()) return;
        try {
            client.connect(options).waitForCompletion(15_000);
            generation.incrementAndGet();
            client.subscribe(base + "send", 1).waitForCompletion(10_000);
            if (!settings.topics().isEmpty()) client.subscribe(TOPIC_PREFIX + "+", 1).waitForCompletion(10_000);
            if (origin == BrokerOrigin.STARTED) client.subscribe(BROKER_DROPPED, 0).waitForCompletion(10_000);
            backoffMs = 1000;
            connected = true;
            lastError = "";
            log.info("MQTT: connected to {} as {}", client.getServerURI(), client.getClientId());
            if (origin == BrokerOrigin.LOCAL && settings.username() == null && !anonymous) {
                anonymous = true;
                log.warn("MQTT: the broker on {} admits clients without a password: every local user can read this"
                        + " gateway's inbox and send as it. Set allow_anonymous false and a password_file in its"
                        + " configuration and give the gateway mqtt.username/mqtt.password (docs/services.md)",
                        client.getServerURI());
            }
            // "online" jumps the queue so devices see the state before the backlog.
            synchronized (pending) {
                pending.addFirst(new Outgoing(base + "status", "online".getBytes(StandardCharsets.UTF_8), true));
                pending.notifyAll();
            }
        } catch (MqttException e) {
            connected = false;
            lastError = e.getMessage();
            long delay = backoffMs + ThreadLocalRandom.current().nextLong(backoffMs / 4 + 1);
            log.debug("MQTT: connecting to {} failed ({}); retry in {} ms", client.getServerURI(), e.getMessage(), delay);
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            try {
                client.disconnectForcibly(0, 0, false);
            } catch (MqttException ignored) {
                // not connected anyway
            }
            scheduleConnect(delay);
        }
    }

    /**
     * Handles device messages one at a time, then acknowledges each (PUBACK): by then it is in custody or a
     * receipt saying why not is queued. While the broker is connected this thread waits for room in the
     * publish queue rather than dropping a receipt (see {@link #enqueue}), which holds back the broker.
     */
    private void ingest() {
        while (!closed) {
            Incoming in;
            try {
                in = incoming.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (in.topic().startsWith(TOPIC_PREFIX)) onTopicPublish(in.topic(), in.message().getPayload());
                else onSend(in.topic(), in.message().getPayload());
            } catch (RuntimeException e) {
                limitedLog.warn("mqtt.ingest", "MQTT: handling a message on {} failed: {}", in.topic(), e.toString());
            }
            if (in.generation() == generation.get()) {
                try {
                    client.messageArrivedComplete(in.message().getId(), in.message().getQos());
                } catch (MqttException e) {
                    log.debug("MQTT: acknowledging message {} failed: {}", in.message().getId(), e.getMessage());
                }
            }
        }
    }

    /**
     * Queues a publication. Beyond {@code mqtt.queue-limit} the oldest is dropped and counted, except on the
     * ingress thread while the broker is connected: there we wait for room, so a device burst slows down to
     * what the broker takes from us instead of losing receipts. Other threads (the node's deliveries) never wait.
     */
    private void enqueue(String topic, byte[] payload, boolean retained) {
        synchronized (pending) {
            if (Thread.currentThread() == ingress) {
                while (connected && !closed && pending.size() >= settings.queueLimit()) {
                    try {
                        pending.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            if (pending.size() >= settings.queueLimit()) {
                pending.removeFirst();
                droppedWhileAway.incrementAndGet();
            }
            pending.addLast(new Outgoing(topic, payload, retained));
            pending.notifyAll();
        }
    }

    /**
     * Publishes from the head of the queue with up to {@link #WINDOW} QoS 1 messages unacknowledged at a
     * time (Paho keeps their order); an acknowledged message leaves the in-flight set, an unacknowledged one
     * goes back to the head of the queue when the connection drops: at least once, in order.
     */
    private void drain() {
        while (!closed) {
            Outgoing next;
            synchronized (pending) {
                while (!closed && (pending.isEmpty() || !connected || inflight.size() >= WINDOW)) {
                    try {
                        pending.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                next = pending.removeFirst();
                inflight.add(next);
            }
            try {
                client.publish(next.topic(), next.payload(), 1, next.retained(), null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        synchronized (pending) {
                            if (inflight.remove(next)) published.incrementAndGet();
                            pending.notifyAll();
                        }
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        // put back by requeueInflight() when the connection is lost
                        log.debug("MQTT: publish on {} failed: {}", next.topic(), e.getMessage());
                    }
                });
            } catch (MqttException e) {
                log.debug("MQTT: publish on {} refused: {}", next.topic(), e.getMessage());
                synchronized (pending) {
                    inflight.remove(next);
                    pending.addFirst(next);
                }
                if (!client.isConnected()) connected = false;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void requeueInflight() {
        synchronized (pending) {
            java.util.List<Outgoing> back = new java.util.ArrayList<>(inflight);
            inflight.clear();
            for (int i = back.size() - 1; i >= 0; i--) pending.addFirst(back.get(i));
        }
    }

    private void onDelivered(Inbox.Message m) {
        enqueue(base + "inbox", Json.write(MessageViews.message(m, false)).getBytes(StandardCharsets.UTF_8), false);
    }

    private void publishReceipt(LocalSender.Receipt r) {
        enqueue(base + "receipts", Json.write(r.toMap()).getBytes(StandardCharsets.UTF_8), false);
    }

    private void onSend(String topic, byte[] payload) {
        SendRequest.Parsed parsed = SendRequest.fromJson(payload);
        if (parsed instanceof SendRequest.Rejected r) {
            rejected.incrementAndGet();
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("topic", topic);
            err.put("reason", r.problem().name());
            err.put("error", r.detail());
            log.debug("MQTT: refused input on {}: {}", topic, r.detail());
            enqueue(base + "errors", Json.write(err).getBytes(StandardCharsets.UTF_8), false);
            return;
        }
        // node.send has committed the message to custody (or refused it) before this returns; only then does
        // Paho acknowledge the PUBLISH to the broker (after messageArrived).
        LocalSender.Receipt receipt = sender.send(((SendRequest.Ok) parsed).request(), LocalSender.Origin.MQTT);
        if (!receipt.ok()) rejected.incrementAndGet(); // and the device is told: the receipt says why
        publishReceipt(receipt);
        receipts.track(receipt);
    }

    /**
     * A publish on {@code sbridge/topic/<name>}: the payload's bytes become a mesh topic message (origin DEVICE,
     * so radios cap it). Renderings of mesh messages (ours coming back from the broker, or another gateway's on
     * a shared broker) carry the {@code "sbridge":"mesh-topic"} marker and are ignored: no loops.
     */
    private void onTopicPublish(String topic, byte[] payload) {
        String name = topic.substring(TOPIC_PREFIX.length());
        if (MessageViews.isTopicRendering(payload)) {
            renderingsIgnored.incrementAndGet();
            return;
        }
        if (!settings.bridges(name)) return;
        LocalSender.Published p = sender.publish(name, payload, LocalSender.Origin.MQTT, this);
        if (p.ok()) {
            topicsIn.incrementAndGet();
            return;
        }
        rejected.incrementAndGet();
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("topic", topic);
        err.put("reason", p.failure().name());
        err.put("error", p.error());
        if (p.retryAfterSeconds() > 0) err.put("retryAfter", p.retryAfterSeconds());
        log.debug("MQTT: refused topic publish on {}: {}", topic, p.error());
        enqueue(base + "errors", Json.write(err).getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * The embedded broker's dropped counter (every {@link LoopbackBroker#SYS_INTERVAL_SECONDS}): what it lost
     * since we connected is reported in status and in the log (rate-limited).
     */
    private void onBrokerCounter(String topic, byte[] payload) {
        if (!BROKER_DROPPED.equals(topic)) return;
        long value;
        try {
            value = Long.parseLong(new String(payload, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            return;
        }
        long total;
        synchronized (this) {
            if (dropBase < 0 || value < dropBase) dropBase = value; // first reading, or the broker restarted
            total = value - dropBase;
            if (total <= brokerDropped) return;
            brokerDropped = total;
        }
        limitedLog.warn("mqtt.broker-dropped", "MQTT: the broker has dropped {} messages since the bridge connected (a client's queue of {}"
                + " messages was full); devices were acknowledged but those messages are lost", total,
                LoopbackBroker.MAX_QUEUED_MESSAGES);
    }

    /** Mesh -> MQTT: every message on a bridged topic, except those this bridge injected itself. */
    @Override
    public void onTopicMessage(TopicMessage m) {
        if (!settings.bridges(m.topic())) return;
        topicsOut.incrementAndGet();
        enqueue(TOPIC_PREFIX + m.topic(), Json.write(MessageViews.topicMessage(m, false)).getBytes(StandardCharsets.UTF_8),
                false);
    }

    public boolean connected() {
        return connected;
    }

    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("broker", client.getServerURI());
        m.put("connected", connected);
        if (!connected && !lastError.isEmpty()) m.put("lastError", lastError);
        m.put("published", published.get());
        m.put("received", received.get());
        m.put("rejected", rejected.get());
        m.put("topicsIn", topicsIn.get());
        m.put("topicsOut", topicsOut.get());
        m.put("renderingsIgnored", renderingsIgnored.get());
        synchronized (pending) {
            m.put("waiting", pending.size() + inflight.size());
        }
        m.put("dropped", droppedWhileAway.get());
        if (origin == BrokerOrigin.STARTED) m.put("brokerDropped", brokerDropped);
        if (anonymous) m.put("anonymousAccess", true);
        return m;
    }

    @Override
    public void close() {
        // What the broker already handed us (at most its in-flight window) is handled and acknowledged
        // first: with a clean session the broker would not send it again.
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!incoming.isEmpty() && connected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // A clean goodbye: the will is only sent on an unclean loss, so say "offline" ourselves.
        if (client.isConnected()) {
            try {
                client.publish(base + "status", "offline".getBytes(StandardCharsets.UTF_8), 1, true).waitForCompletion(2000);
                client.disconnect(2000).waitForCompletion(3000);
            } catch (MqttException e) {
                log.debug("MQTT: disconnect: {}", e.getMessage());
            }
        }
        closed = true;
        reconnects.shutdownNow();
        publisher.interrupt();
        ingress.interrupt();
        try {
            client.close(true);
        } catch (MqttException e) {
            log.debug("MQTT: close: {}", e.getMessage());
        }
    }
}
