package net.sovereignbridge.app.meshtastic;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import net.sovereignbridge.app.transport.lora.LoraRadio;
import net.sovereignbridge.app.transport.lora.LoraTransport;
import net.sovereignbridge.drivers.meshtastic.Channel;
import net.sovereignbridge.drivers.meshtastic.Data;
import net.sovereignbridge.drivers.meshtastic.PacketHeader;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendException;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.topics.TopicMessage;
import net.sovereignbridge.mesh.topics.Topics;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.TransportBase;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Meshtastic channel bridged to a mesh topic ({@code {type: meshtastic}}): a {@link MeshtasticLink} on its own
 * radio, whose broadcast texts are published on the configured topic (and so reach the MQTT and CoAP sides), whose
 * direct messages to our node number go to the configured mesh address, and onto which the topic's messages go as
 * Meshtastic texts from our node number.
 *
 * <p>To the router this is a receive-only medium that never delivers a frame: the channel carries Meshtastic's
 * packets, not ours, so nothing of the mesh (announces, floods, routes) is ever sent on it. It is a transport all the
 * same because it is a radio the daemon brings up, reports in {@code status} and restarts like the others.
 *
 * <p>Outgoing texts wait in one bounded queue ({@link #QUEUE_LIMIT}, oldest {@link #MAX_AGE_NANOS}) until the link's
 * airtime budget and the channel's utilisation allow them: a topic line from the internet is sent later or not at
 * all, never beyond the share. A topic message that a Meshtastic bridge made ("!a1b2c3d4: ...", see {@link
 * #bridgedText}) is not put back on air: it was on a Meshtastic channel already, and two gateways on one channel
 * would otherwise echo each other's texts for ever.
 */
public final class MeshtasticTransport extends TransportBase implements Topics.Listener, MeshtasticLink.Bridge {
    private static final Logger log = LoggerFactory.getLogger(MeshtasticTransport.class);
    private static final RateLimitedLog limitedLog = RateLimitedLog.of(MeshtasticTransport.class);
    public static final int QUEUE_LIMIT = 32;
    public static final long MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** How a bridged text starts: the Meshtastic sender's node id and ": ". */
    static final Pattern BRIDGED = Pattern.compile("^![0-9a-f]{8}: ");
    /** Longest wait between two looks at the queue (new texts and the NodeInfo timer are noticed at least this often). */
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final MeshtasticLink link;
    private final MeshtasticTransportFactory.Config config;
    private final Node node;
    private final LoraTransport.TimeSource time;
    private final Deque<Outgoing> queue = new ArrayDeque<>();
    private final Map<String, AtomicLong> counters = new LinkedHashMap<>();
    /** Meshtastic's MQTT uplink while running, when configured; a new one per start (close() ends a client). */
    private volatile MeshtasticMqtt uplink;
    private Thread worker;
    private boolean running;
    private long nextNodeInfoNanos;

    /** A text or our NodeInfo waiting for airtime. */
    private record Outgoing(String text, TrafficOrigin origin, long queuedNanos) {
        boolean nodeInfo() {
            return text == null;
        }
    }

    MeshtasticTransport(String id, LoraRadio radio, MeshtasticLink.Settings settings,
                        MeshtasticTransportFactory.Config config, Node node, LoraTransport.TimeSource time) {
        super(id, TransportProfile.of(TransportKind.RECEIVE_ONLY, Data.MAX_PAYLOAD, PreferenceClass.LOCAL_RADIO)
                .withBitrate(bitrate(radio)), Clock.systemUTC(), 1);
        this.config = config;
        this.node = node;
        this.time = time;
        this.link = new MeshtasticLink(radio, settings, this, time::nanoTime);

        for (String c : List.of("toTopic", "publishFailed", "toDm", "dmFailed", "dmDropped", "fromTopic",
                "alreadyBridged", "notText", "queueFull", "expired", "sendRefused")) {
            counters.put(c, new AtomicLong());
        }
    }

    /** Bits per second of a full frame at the channel's modulation (the router never sends here; status shows it). */
    private static long bitrate(LoraRadio radio) {
        long nanos = radio.timeOnAirNanos(255);
        return Math.max(1, 255L * 8 * 1_000_000_000L / Math.max(1, nanos));
    }

    public MeshtasticLink link() {
        return link;
    }

    @Override
    public void start(TransportListener listener) throws TransportException {
        attach(listener);
        setState(TransportState.STARTING, "configuring the radio");
        try {
            link.start();
        } catch (LoraRadio.Failure | RuntimeException e) {
            setState(TransportState.FAILED, e.getMessage());
            throw new TransportException(id() + ": radio did not start: " + e.getMessage(), e);
        }
        if (!node.topics().subscribe(config.topic())) {
            log.warn("{}: cannot subscribe to topic {} (too many topics): nothing reaches the channel", id(),
                    config.topic());
        }
        node.topics().addListener(this);
        if (config.mqttBroker().isPresent()) {
            try {
                MeshtasticMqtt u = new MeshtasticMqtt(config.mqttBroker().get(), config.mqttRoot(),
                        link.settings().node(), link.settings().channels().get(0),
                        config.mqttDownlink() ? link::transmitFromMqtt : null);
                u.start();
                uplink = u;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                // the URI was checked when the configuration was read; what is left is Paho's own refusal
                log.warn("{}: no Meshtastic MQTT uplink: {}", id(), e.getMessage());
            }
        }
        synchronized (queue) {
            running = true;
            queue.addLast(new Outgoing(null, TrafficOrigin.LOCAL, time.nanoTime())); // NodeInfo after boot, as nodes do
            nextNodeInfoNanos = time.nanoTime() + TimeUnit.SECONDS.toNanos(config.nodeInfoIntervalSeconds());
            worker = new Thread(this::sendLoop, id() + "-tx");
            worker.setDaemon(true);
            worker.start();
        }
        setState(TransportState.ACTIVE, link.modulation() + ", " + link.settings().channels().get(0).name() + " as "
                + PacketHeader.nodeId(link.settings().node()));
    }

    @Override
    public void stop() {
        Thread t;
        synchronized (queue) {
            if (state() == TransportState.STOPPED) return;
            setState(TransportState.STOPPING, "");
            node.topics().removeListener(this);
            running = false;
            queue.clear();
            queue.notifyAll();
            t = worker;
            worker = null;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        MeshtasticMqtt u = uplink;
        uplink = null;
        if (u != null) u.close();
        try {
            link.stop();
        } catch (LoraRadio.Failure e) {
            log.debug("{}: radio sleep on stop failed: {}", id(), e.getMessage());
        }
        setState(TransportState.STOPPED, "stopped");
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        throw new TransportException(id() + ": a Meshtastic channel carries no mesh frames (it is bridged to topic "
                + config.topic() + ")");
    }

    // ---- channel -> mesh (on the radio's receive thread)

    @Override
    public void text(Channel channel, int from, String text, boolean direct) {
        byte[] body = bridgedText(from, text).getBytes(StandardCharsets.UTF_8);
        if (direct) {
            if (config.dmTo().isEmpty()) {
                counters.get("dmDropped").incrementAndGet();
                return;
            }
            try {
                node.send(config.dmTo().get(), body, SendOptions.defaults());
                counters.get("toDm").incrementAndGet();
            } catch (SendException e) {
                counters.get("dmFailed").incrementAndGet();
                limitedLog.warn("meshtastic.dm", "{}: a direct message from {} could not go to {}: {}", id(),
                        PacketHeader.nodeId(from), config.dmTo().get().toHex(), e.getMessage());
            }
            return;
        }
        try {
            node.publish(config.topic(), body, TrafficOrigin.LOCAL, this);
            counters.get("toTopic").incrementAndGet();
        } catch (SendException e) {
            counters.get("publishFailed").incrementAndGet();
            limitedLog.warn("meshtastic.publish", "{}: a text from {} could not be published on {}: {}", id(),
                    PacketHeader.nodeId(from), config.topic(), e.getMessage());
        }
    }

    @Override
    public void uplink(PacketHeader header, Channel channel, byte[] frame, net.sovereignbridge.drivers.sx127x.ReceivedPacket rx) {
        MeshtasticMqtt u = uplink;
        if (u != null) u.upload(header, channel, frame, rx);
    }

    /** What a Meshtastic text becomes on the topic and in a DM: "!a1b2c3d4: text". */
    static String bridgedText(int from, String text) {
        return PacketHeader.nodeId(from) + ": " + text;
    }

    // ---- mesh -> channel

    @Override
    public void onTopicMessage(TopicMessage m) {
        if (!m.topic().equals(config.topic())) return;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(m.body())).toString();
        } catch (CharacterCodingException e) {
            counters.get("notText").incrementAndGet();
            return;
        }
        if (BRIDGED.matcher(text).find()) {
            counters.get("alreadyBridged").incrementAndGet();
            return;
        }
        synchronized (queue) {
            if (!running) return;
            if (queue.size() >= QUEUE_LIMIT) {
                counters.get("queueFull").incrementAndGet();
                return;
            }
            queue.addLast(new Outgoing(text, m.origin(), time.nanoTime()));
            counters.get("fromTopic").incrementAndGet();
            queue.notifyAll();
        }
    }

    private void sendLoop() {
        while (true) {
            List<Outgoing> pending;
            synchronized (queue) {
                if (!running) return;
                long now = time.nanoTime();
                if (config.nodeInfoIntervalSeconds() > 0 && now >= nextNodeInfoNanos) {
                    queue.addLast(new Outgoing(null, TrafficOrigin.LOCAL, now));
                    nextNodeInfoNanos = now + TimeUnit.SECONDS.toNanos(config.nodeInfoIntervalSeconds());
                }
                queue.removeIf(o -> {
                    boolean old = now - o.queuedNanos() > MAX_AGE_NANOS;
                    if (old) counters.get("expired").incrementAndGet();
                    return old;
                });
                pending = new ArrayList<>(queue);
            }
            long wait = MAX_WAIT_NANOS;
            for (Outgoing o : pending) {
                MeshtasticLink.SendResult r = o.nodeInfo() ? link.sendNodeInfo() : link.sendText(o.text(), o.origin());
                if (r instanceof MeshtasticLink.Deferred d) {
                    wait = Math.min(wait, Math.max(1, d.waitNanos()));
                    continue;
                }
                if (r instanceof MeshtasticLink.ChannelBusy busy) {
                    wait = Math.min(wait, Math.max(1, busy.waitNanos()));
                    continue;
                }
                if (r instanceof MeshtasticLink.Refused refused) {
                    counters.get("sendRefused").incrementAndGet();
                    limitedLog.warn("meshtastic.refused", "{}: not sent: {}", id(), refused.reason());
                } else {
                    sent();
                }
                synchronized (queue) {
                    queue.remove(o);
                }
                wait = 0; // something went: look again at once, the rest may fit now
                break;
            }
            if (wait == 0) continue;
            synchronized (queue) {
                if (!running) return;
                // a new text wakes us early; the wait itself is in the air's time
                long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(time.wallNanos(wait)));
                try {
                    if (queue.size() == pending.size()) queue.wait(millis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public Map<String, Object> statusFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        MeshtasticLink.Settings s = link.settings();
        m.put("nodeNumber", PacketHeader.nodeId(s.node()));
        m.put("channel", s.channels().get(0).name());
        m.put("region", s.region().name());
        m.put("preset", config.preset().channelName());
        m.put("modulation", link.modulation());
        m.put("chip", link.chip());
        m.put("topic", config.topic());
        m.put("dmTo", config.dmTo().map(a -> a.toHex()).orElse(""));
        var air = link.airtime();
        m.put("airtimeLastHourMs", air.usedNanos() / 1_000_000);
        m.put("airtimeBudgetMs", air.budgetNanos() < 0 ? -1 : air.budgetNanos() / 1_000_000);
        m.put("internetAirtimeMs", air.internetUsedNanos() / 1_000_000);
        m.put("internetBudgetMs", air.internetBudgetNanos() < 0 ? -1 : air.internetBudgetNanos() / 1_000_000);
        synchronized (queue) {
            m.put("queued", (long) queue.size());
        }
        m.put("nodesHeard", (long) link.nodesHeard());
        m.put("channelUtilisationPercent", Math.round(link.channelUtilisationPercent() * 10) / 10.0);
        Map<String, Object> c = new LinkedHashMap<>(link.counters());
        counters.forEach((k, v) -> c.put(k, v.get()));
        m.put("meshtastic", c);
        MeshtasticMqtt u = uplink;
        if (u != null) m.put("mqttUplink", u.status());
        return m;
    }
}
