package net.sovereignbridge.drivers.satellite;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reassembles Blockstream packets into messages keyed by channel and sequence number: out-of-order and
 * duplicate fragments, FEC decoding as soon as possible, a bound on the bytes held for incomplete
 * messages (the oldest incomplete message is dropped first) and an expiry after the last fragment.
 * Not thread-safe: one receive loop owns it.
 */
public final class Reassembler {
    /** Defaults: the reference receiver's 2 h expiry; 100 MiB of incomplete data (one largest message, 65536 x 1464 bytes). */
    public static final long DEFAULT_EXPIRY_MILLIS = 7_200_000L;
    public static final long DEFAULT_MAX_PENDING_BYTES = 100L << 20;
    /** Remembered delivered (channel, sequence) pairs, so a late duplicate fragment does not restart a message. */
    static final int DELIVERED_MEMORY = 4096;

    private final long expiryMillis;
    private final long maxPendingBytes;
    private final ReceiverStats stats;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Map<Long, Boolean> delivered = new LinkedHashMap<>(16, 0.75f, false) {
        @Override protected boolean removeEldestEntry(Map.Entry<Long, Boolean> e) { return size() > DELIVERED_MEMORY; }
    };
    private long pendingBytes;

    public Reassembler(long expiryMillis, long maxPendingBytes, ReceiverStats stats) {
        if (expiryMillis <= 0) throw new IllegalArgumentException("expiry must be positive, got " + expiryMillis);
        if (maxPendingBytes < BlockstreamPacket.MAX_PAYLOAD) throw new IllegalArgumentException("max pending bytes " + maxPendingBytes + " below one packet");
        this.expiryMillis = expiryMillis;
        this.maxPendingBytes = maxPendingBytes;
        this.stats = stats;
    }

    private static final class Pending {
        final TreeMap<Integer, byte[]> fragments = new TreeMap<>();
        final FecAssembly fec = new FecAssembly();
        int lastFragment = -1;
        long bytes;
        long lastArrival;
    }

    public long pendingBytes() {
        return pendingBytes;
    }

    public int pendingMessages() {
        return pending.size();
    }

    /** Feeds one packet received at {@code nowMillis}; returns the message it completed, if any. */
    public Optional<ReceivedMessage> accept(BlockstreamPacket p, long nowMillis) {
        stats.packets.increment();
        expire(nowMillis);
        long key = ((long) p.channel() << 32) | p.sequence();
        if (delivered.containsKey(key)) { stats.duplicateFragments.increment(); return Optional.empty(); }
        Pending m = pending.get(key);
        if (m == null) { m = new Pending(); pending.put(key, m); }
        if (m.fragments.containsKey(p.fragment())) { stats.duplicateFragments.increment(); return Optional.empty(); }
        if (!p.moreFragments()) {
            if (m.lastFragment >= 0 && m.lastFragment != p.fragment()) {
                stats.malformed.increment();
                drop(key, m);
                return Optional.empty();
            }
            m.lastFragment = p.fragment();
            // Fragments numbered beyond the last that came before it are no part of the message: without this,
            // they would count towards its completion in place of missing ones.
            var beyond = m.fragments.tailMap(p.fragment(), false);
            for (byte[] f : beyond.values()) {
                m.bytes -= f.length;
                pendingBytes -= f.length;
                stats.malformed.increment();
            }
            beyond.clear();
        }
        if (m.lastFragment >= 0 && p.fragment() > m.lastFragment) { stats.malformed.increment(); return Optional.empty(); }
        m.fragments.put(p.fragment(), p.payload());
        m.bytes += p.payload().length;
        m.lastArrival = nowMillis;
        pendingBytes += p.payload().length;
        Optional<byte[]> viaFec = m.fec.add(p.payload());
        if (viaFec.isPresent()) return Optional.of(finish(key, m, viaFec.get(), true));
        if (m.lastFragment >= 0 && m.fragments.size() == m.lastFragment + 1) {
            byte[] whole = new byte[(int) m.bytes]; // exact size: the message is held once besides its fragments
            int at = 0;
            for (byte[] f : m.fragments.values()) { System.arraycopy(f, 0, whole, at, f.length); at += f.length; }
            return Optional.of(finish(key, m, whole, false));
        }
        while (pendingBytes > maxPendingBytes && !pending.isEmpty()) evictOldest(key);
        return Optional.empty();
    }

    private ReceivedMessage finish(long key, Pending m, byte[] data, boolean fec) {
        drop(key, m);
        delivered.put(key, Boolean.TRUE);
        stats.messages.increment();
        return new ReceivedMessage((int) (key >>> 32), key & 0xFFFF_FFFFL, data, fec);
    }

    private void drop(long key, Pending m) {
        pending.remove(key);
        pendingBytes -= m.bytes;
    }

    private void evictOldest(long keep) {
        Long oldest = null;
        long oldestArrival = Long.MAX_VALUE;
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            if (e.getValue().lastArrival < oldestArrival && (e.getKey() != keep || pending.size() == 1)) {
                oldest = e.getKey();
                oldestArrival = e.getValue().lastArrival;
            }
        }
        if (oldest == null) return;
        drop(oldest, pending.get(oldest));
        stats.evicted.increment();
    }

    /** Drops incomplete messages whose last fragment arrived more than the expiry ago. */
    public void expire(long nowMillis) {
        for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Pending m = it.next().getValue();
            if (nowMillis - m.lastArrival > expiryMillis) {
                it.remove();
                pendingBytes -= m.bytes;
                stats.expired.increment();
            }
        }
    }
}
