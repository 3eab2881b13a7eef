package net.sovereignbridge.mesh.topics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * The node's side of mesh topics: which topics it subscribes to, the last messages of each, the rate limit per
 * origin, and who is told of new messages. The flooding itself is the node's (controlled flooding with
 * duplicate suppression and a hop limit, like announces).
 *
 * <p>Every node relays every topic message within its origin's rate, subscribed or not, so topics work across
 * nodes that do not care for them; only subscribed topics are kept and delivered. Everything is bounded:
 * {@link #MAX_TOPICS} subscriptions and kept topics, {@link #RECENT} messages per topic, {@link #MAX_ORIGINS}
 * rate buckets.
 */
public final class Topics {
    /** Subscribing to this name means every topic (at most {@link #MAX_TOPICS} kept, least recently used first out). */
    public static final String ALL = "*";
    public static final int MAX_TOPICS = 64;
    public static final int RECENT = 32;
    static final int MAX_ORIGINS = 10_000;

    /** Told of each message delivered on a subscribed topic, on the node's receive thread: return quickly. */
    public interface Listener {
        void onTopicMessage(TopicMessage message);
    }

    /**
     * Per-origin token bucket: {@code perMinute} messages per minute on average, bursts of {@code burst}.
     */
    public record Limits(int perMinute, int burst) {
        public Limits {
            if (perMinute <= 0 || burst <= 0) throw new IllegalArgumentException("topic limits must be positive");
        }

        public static Limits defaults() {
            return new Limits(30, 10);
        }
    }

    private final Set<String> subscribed = new LinkedHashSet<>();
    private final LinkedHashMap<String, Deque<TopicMessage>> recent = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<MeshAddress, double[]> buckets = new LinkedHashMap<>(16, 0.75f, true);
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Limits limits = Limits.defaults();
    private long rateLimited;
    private long delivered;

    public void setLimits(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Subscribes to a topic (or {@link #ALL}). False when {@link #MAX_TOPICS} are already subscribed.
     *
     * @throws IllegalArgumentException for an invalid name
     */
    public synchronized boolean subscribe(String topic) {
        if (!ALL.equals(topic)) {
            String problem = TopicBody.nameProblem(topic);
            if (problem != null) throw new IllegalArgumentException(problem);
        }
        if (subscribed.contains(topic)) return true;
        if (subscribed.size() >= MAX_TOPICS) return false;
        subscribed.add(topic);
        return true;
    }

    public synchronized void unsubscribe(String topic) {
        subscribed.remove(topic);
        if (!subscribed.contains(ALL)) recent.remove(topic);
    }

    public synchronized boolean subscribed(String topic) {
        return subscribed.contains(topic) || subscribed.contains(ALL);
    }

    public synchronized List<String> subscriptions() {
        return List.copyOf(subscribed);
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** The kept messages of a topic, oldest first (empty when not subscribed). */
    public synchronized List<TopicMessage> recent(String topic) {
        Deque<TopicMessage> q = recent.get(topic);
        return q == null ? List.of() : new ArrayList<>(q);
    }

    /**
     * Takes one token from {@code origin}'s bucket at {@code nowMillis}; false (and counted) when it is empty:
     * the message is then neither delivered nor relayed.
     */
    public synchronized boolean admit(MeshAddress origin, long nowMillis) {
        Limits l = limits;
        double[] b = buckets.get(origin); // {tokens, last refill millis}
        if (b == null) {
            b = new double[] {l.burst(), nowMillis};
            buckets.put(origin, b);
            if (buckets.size() > MAX_ORIGINS) buckets.remove(buckets.keySet().iterator().next());
        }
        b[0] = Math.min(l.burst(), b[0] + (nowMillis - b[1]) * l.perMinute() / 60_000.0);
        b[1] = nowMillis;
        if (b[0] < 1) {
            rateLimited++;
            return false;
        }
        b[0] -= 1;
        return true;
    }

    /** Seconds until {@code origin} may publish again (0: now). */
    public synchronized long retryAfterSeconds(MeshAddress origin) {
        double[] b = buckets.get(origin);
        if (b == null || b[0] >= 1) return 0;
        return (long) Math.ceil((1 - b[0]) * 60.0 / limits.perMinute());
    }

    /**
     * Keeps and announces a verified, admitted message if its topic is subscribed; {@code except} (may be null)
     * is not told, so a bridge that injected a message does not hear it back.
     */
    public void deliver(TopicMessage m, Listener except) {
        synchronized (this) {
            if (!subscribed(m.topic())) return;
            Deque<TopicMessage> q = recent.computeIfAbsent(m.topic(), k -> new ArrayDeque<>());
            q.addLast(m);
            if (q.size() > RECENT) q.removeFirst();
            while (recent.size() > MAX_TOPICS) recent.remove(recent.keySet().iterator().next());
            delivered++;
        }
        for (Listener l : listeners) {
            if (l == except) continue;
            try {
                l.onTopicMessage(m);
            } catch (RuntimeException e) {
                // one faulty consumer must not stop delivery to the others
                org.slf4j.LoggerFactory.getLogger(Topics.class).warn("topic listener failed: {}", e.toString());
            }
        }
    }

    /** Figures for status output. */
    public synchronized Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subscribed", List.copyOf(subscribed));
        m.put("delivered", delivered);
        m.put("rateLimited", rateLimited);
        return m;
    }
}
