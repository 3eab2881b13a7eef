package net.sovereignbridge.p2p.dht;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Kademlia k-buckets around our own id. Bucket i holds the peers whose ids share exactly i leading bits
 * with ours, at most K of them, oldest first.
 *
 * <p>Rules (Kademlia paper, libp2p kad-dht spec): only peers in server mode are added (the caller decides
 * that from the connection); a full bucket keeps its long-lived peers and turns the newcomer away, since
 * uptime predicts uptime; a peer that fails to answer a query is removed, which frees its slot for the
 * next newcomer. Buckets are allocated lazily: most are empty in a network of any realistic size.
 */
public final class RoutingTable {
    private final KadId self;
    private final int k;
    private final Bucket[] buckets = new Bucket[KadId.BITS];
    private int size;

    public RoutingTable(KadId self, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be positive");
        this.self = self;
        this.k = k;
    }

    private static final class Entry {
        DhtPeer peer;
        long lastSeen;

        Entry(DhtPeer peer, long lastSeen) {
            this.peer = peer;
            this.lastSeen = lastSeen;
        }
    }

    private static final class Bucket {
        final ArrayList<Entry> entries = new ArrayList<>(4);
    }

    public enum AddResult { ADDED, UPDATED, BUCKET_FULL, SELF }

    /** Adds or refreshes a peer that showed it is alive and reachable (server mode). */
    public synchronized AddResult add(DhtPeer peer, long nowMs) {
        int cpl = self.commonPrefixLength(peer.kadId());
        if (cpl == KadId.BITS) return AddResult.SELF;
        Bucket b = buckets[cpl];
        if (b == null) b = buckets[cpl] = new Bucket();
        for (Entry e : b.entries) {
            if (e.peer.equals(peer)) {
                if (!peer.addrs().isEmpty()) e.peer = peer;
                e.lastSeen = nowMs;
                return AddResult.UPDATED;
            }
        }
        if (b.entries.size() >= k) return AddResult.BUCKET_FULL;
        b.entries.add(new Entry(peer, nowMs));
        size++;
        return AddResult.ADDED;
    }

    /**
     * The least recently seen peer of the bucket the given peer would go into, if that bucket is full and
     * its oldest entry has not been heard from since the cutoff: the one to PING before turning a newcomer away.
     */
    public synchronized DhtPeer evictionCandidate(DhtPeer newcomer, long seenBeforeMs) {
        int cpl = self.commonPrefixLength(newcomer.kadId());
        Bucket b = cpl == KadId.BITS ? null : buckets[cpl];
        if (b == null || b.entries.size() < k) return null;
        Entry oldest = null;
        for (Entry e : b.entries) if (oldest == null || e.lastSeen < oldest.lastSeen) oldest = e;
        return oldest.lastSeen < seenBeforeMs ? oldest.peer : null;
    }

    public synchronized boolean remove(DhtPeer peer) {
        int cpl = self.commonPrefixLength(peer.kadId());
        if (cpl == KadId.BITS) return false;
        Bucket b = buckets[cpl];
        if (b == null) return false;
        boolean removed = b.entries.removeIf(e -> e.peer.equals(peer));
        if (removed) size--;
        return removed;
    }

    public synchronized boolean contains(DhtPeer peer) {
        int cpl = self.commonPrefixLength(peer.kadId());
        Bucket b = cpl == KadId.BITS ? null : buckets[cpl];
        if (b == null) return false;
        for (Entry e : b.entries) if (e.peer.equals(peer)) return true;
        return false;
    }

    /** The peer we know under this PeerId, with its addresses, if any. */
    public synchronized DhtPeer find(byte[] peerId) {
        KadId id = KadId.of(peerId);
        int cpl = self.commonPrefixLength(id);
        Bucket b = cpl == KadId.BITS ? null : buckets[cpl];
        if (b == null) return null;
        for (Entry e : b.entries) if (e.peer.sameId(peerId)) return e.peer;
        return null;
    }

    /** Up to n known peers ordered by XOR distance to the target, closest first. */
    public synchronized List<DhtPeer> closest(KadId target, int n) {
        ArrayList<DhtPeer> all = new ArrayList<>(size);
        for (Bucket b : buckets) {
            if (b == null) continue;
            for (Entry e : b.entries) all.add(e.peer);
        }
        all.sort((a, c) -> target.compareDistance(a.kadId(), c.kadId()));
        return all.size() > n ? new ArrayList<>(all.subList(0, n)) : all;
    }

    public synchronized List<DhtPeer> all() {
        ArrayList<DhtPeer> all = new ArrayList<>(size);
        for (Bucket b : buckets) {
            if (b == null) continue;
            for (Entry e : b.entries) all.add(e.peer);
        }
        return all;
    }

    public synchronized void addAll(Collection<DhtPeer> peers, long nowMs) {
        for (DhtPeer p : peers) add(p, nowMs);
    }

    /** Indexes of non-empty buckets, and the deepest one: used to pick refresh targets. */
    public synchronized int deepestBucket() {
        for (int i = KadId.BITS - 1; i >= 0; i--) if (buckets[i] != null && !buckets[i].entries.isEmpty()) return i;
        return -1;
    }

    public synchronized int bucketSize(int index) {
        Bucket b = buckets[index];
        return b == null ? 0 : b.entries.size();
    }

    /** Peers not heard from since the given time, least recently seen first (candidates for a PING). */
    public synchronized List<DhtPeer> staleSince(long cutoffMs) {
        ArrayList<Entry> stale = new ArrayList<>();
        for (Bucket b : buckets) {
            if (b == null) continue;
            for (Entry e : b.entries) if (e.lastSeen < cutoffMs) stale.add(e);
        }
        stale.sort(Comparator.comparingLong(e -> e.lastSeen));
        return stale.stream().map(e -> e.peer).toList();
    }

    public synchronized int size() {
        return size;
    }

    public KadId self() {
        return self;
    }

    public int k() {
        return k;
    }
}
