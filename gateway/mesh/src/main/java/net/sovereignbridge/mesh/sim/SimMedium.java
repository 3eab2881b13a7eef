package net.sovereignbridge.mesh.sim;

import java.time.Clock;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;

/**
 * The simulated "air" or cable between {@link SimTransport}s: which node hears which (links), with loss
 * and latency per frame, and partitions. Frames are delivered on a shared scheduler after
 * latency + size / bandwidth. Counts every transmission.
 */
public final class SimMedium {
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Random random;
    private final Map<String, SimTransport> members = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> links = new ConcurrentHashMap<>();
    private volatile double loss;
    private final long latencyMillis;
    private final long bitsPerSecond;
    private final AtomicLong transmissions = new AtomicLong();
    private final Map<String, Long> perMessage = new ConcurrentHashMap<>();
    private final AtomicLong announceTransmissions = new AtomicLong();
    private final Set<String> announces = ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final Map<String, Double> snr = new ConcurrentHashMap<>();
    private final Set<MeshAddress> watched = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> announceReceivers = new ConcurrentHashMap<>();

    /**
     * @param scheduler runs deliveries after their latency (a {@link VirtualTime#executor()} in virtual time)
     * @param clock the time of that scheduler: its ports' neighbours expire on it
     */
    public SimMedium(ScheduledExecutorService scheduler, Clock clock, long seed, double loss, long latencyMillis,
            long bitsPerSecond) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.random = new Random(seed);
        this.loss = loss;
        this.latencyMillis = latencyMillis;
        this.bitsPerSecond = bitsPerSecond;
    }

    Clock clock() {
        return clock;
    }

    void join(SimTransport t) {
        members.put(t.name(), t);
        links.computeIfAbsent(t.name(), k -> ConcurrentHashMap.newKeySet());
    }

    public void link(String a, String b) {
        links.computeIfAbsent(a, k -> ConcurrentHashMap.newKeySet()).add(b);
        links.computeIfAbsent(b, k -> ConcurrentHashMap.newKeySet()).add(a);
    }

    /**
     * Signal-to-noise ratio of the link a-b in dB, reported to receivers in {@link LinkQuality#snrDb()} as a
     * radio would; links without one report NaN (wired-like media).
     */
    public void snr(String a, String b, double snrDb) {
        snr.put(pair(a, b), snrDb);
    }

    private static String pair(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    public void unlink(String a, String b) {
        links.getOrDefault(a, Set.of()).remove(b);
        links.getOrDefault(b, Set.of()).remove(a);
    }

    public Set<String> neighbours(String name) {
        return new java.util.TreeSet<>(links.getOrDefault(name, Set.of())); // sorted: runs repeat for a seed
    }

    public void setLoss(double loss) {
        this.loss = loss;
    }

    /** One transmission from {@code from}: to one neighbour, or (broadcast) to every neighbour. */
    void transmit(SimTransport from, Endpoint to, byte[] frame) {
        transmissions.incrementAndGet();
        if (!Fragmenter.isFragment(frame)) {
            Decoded<MeshFrame> d = FrameCodec.decode(frame);
            if (d.isOk()) {
                String key = d.value().source().toHex() + "/" + d.value().messageId();
                perMessage.merge(key, 1L, Long::sum);
                if (d.value().type() == FrameType.ANNOUNCE) {
                    announceTransmissions.incrementAndGet();
                    announces.add(key);
                    announceBytes.merge(from.name(), (long) frame.length, Long::sum);
                } else {
                    otherBytes.merge(from.name(), (long) frame.length, Long::sum);
                }
            }
        }
        String watchKey = null;
        if (!watched.isEmpty() && !Fragmenter.isFragment(frame)) {
            Decoded<MeshFrame> d = FrameCodec.decode(frame);
            if (d.isOk() && d.value().type() == FrameType.ANNOUNCE && watched.contains(d.value().source())) {
                watchKey = d.value().source().toHex() + "/" + d.value().messageId();
            }
        }
        final String receiversKey = watchKey;
        long delay = latencyMillis + frame.length * 8L * 1000 / bitsPerSecond;
        for (String n : links.getOrDefault(from.name(), Set.of())) {
            if (!to.isBroadcast() && !to.value().equals(n)) continue;
            SimTransport receiver = members.get(n);
            if (receiver == null) continue;
            boolean drop;
            synchronized (random) {
                drop = random.nextDouble() < loss;
            }
            if (drop) {
                lost.incrementAndGet();
                continue;
            }
            byte[] copy = frame.clone();
            double snrDb = snr.getOrDefault(pair(from.name(), n), Double.NaN);
            scheduler.schedule(() -> {
                if (receiver.receive(new Endpoint(receiver.id(), from.name()), copy,
                        new LinkQuality(Double.NaN, snrDb, latencyMillis * 2, loss))) {
                    delivered.incrementAndGet();
                    if (receiversKey != null) {
                        announceReceivers.computeIfAbsent(receiversKey, k -> ConcurrentHashMap.newKeySet()).add(n);
                    }
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    private final Map<String, Long> announceBytes = new ConcurrentHashMap<>();
    private final Map<String, Long> otherBytes = new ConcurrentHashMap<>();

    /** Bytes of announces (own and relayed) that {@code node} put on the medium so far. */
    public long announceBytesSentBy(String node) {
        return announceBytes.getOrDefault(node, 0L);
    }

    /** Bytes of whole frames other than announces (data, ACKs) that {@code node} put on the medium so far. */
    public long otherBytesSentBy(String node) {
        return otherBytes.getOrDefault(node, 0L);
    }

    /** Transmissions of one message (every copy: original, relays, retries). */
    public long transmissionsOf(MeshAddress source, int messageId) {
        return perMessage.getOrDefault(source.toHex() + "/" + messageId, 0L);
    }

    /** From now on, record which nodes receive announces of {@code source} (for flood coverage). */
    public void watchAnnounces(MeshAddress source) {
        watched.add(source);
    }

    /** Names of the nodes that received at least one copy of a watched announce. */
    public Set<String> announceReceivers(MeshAddress source, int messageId) {
        return Set.copyOf(announceReceivers.getOrDefault(source.toHex() + "/" + messageId, Set.of()));
    }

    /** Transmissions of announce frames (originals and relays) so far. */
    public long announceTransmissions() {
        return announceTransmissions.get();
    }

    /** Distinct announces (one per origin and message id) transmitted so far. */
    public int distinctAnnounces() {
        return announces.size();
    }

    public long transmissions() {
        return transmissions.get();
    }

    public long deliveries() {
        return delivered.get();
    }

    public long losses() {
        return lost.get();
    }
}
