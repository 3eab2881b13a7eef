package net.sovereignbridge.p2p.bitswap;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import net.sovereignbridge.p2p.content.BlockStore;
import net.sovereignbridge.p2p.content.Cid;
import net.sovereignbridge.p2p.content.DagPb;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.HostService;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.protobuf.ProtoException;

/**
 * Bitswap 1.2.0 ({@code /ipfs/bitswap/1.2.0}) over the overlay host (docs/content.md, "Bitswap").
 *
 * <p>Serving: each inbound stream carries length-prefixed messages; their wants are answered at once on
 * a stream of our own to that peer (as bitswap does: every message travels on its sender's stream). A
 * want-have is answered HAVE or, when asked for, DONT_HAVE; a want-block with the block, or DONT_HAVE.
 * Wants we cannot answer are not remembered. Blocks are sent in messages of at most
 * {@link Limits#maxBytesInFlightPerPeer} bytes of blocks, written before the next batch is read from the
 * store, and the inbound stream is not read while we send, so a peer asking fast is slowed by its own
 * stream's flow control rather than filling our memory.
 *
 * <p>Fetching: {@link #fetch} walks a DAG from its root, wanting blocks from one peer with at most
 * {@link Limits#maxBytesInFlightPerPeer} bytes expected in flight (a link's Tsize is its leaf's size),
 * stores each (checked against its CID by the store) and pins the root when the DAG is whole. A block
 * nobody here asked for is dropped, never stored.
 */
public final class Bitswap implements HostService {
    public static final String PROTOCOL = "/ipfs/bitswap/1.2.0";
    private static final RateLimitedLog log = RateLimitedLog.of(Bitswap.class);
    /** What a dag-pb node is expected to weigh before it arrives (a 1024-link node is about 46 KB). */
    private static final int NODE_ESTIMATE = 64 * 1024;
    /** Bytes a block adds to a message beyond its data: field tags, lengths and the CID prefix. */
    private static final int BLOCK_FRAMING = 32;

    /**
     * @param maxMessageBytes one inbound or outbound message (js bitswap sends up to 4 MiB)
     * @param maxWantlistEntries entries (and presences) in one inbound message
     * @param maxBlockBytes one block
     * @param maxBytesInFlightPerPeer block bytes sent to a peer in one batch, and expected from it at once
     */
    public record Limits(int maxMessageBytes, int maxWantlistEntries, int maxBlockBytes, int maxBytesInFlightPerPeer) {
        public static Limits defaults() {
            return new Limits(4 << 20, 1024, BlockStore.MAX_BLOCK, 4 << 20);
        }

        public Limits {
            if (maxBlockBytes + BLOCK_FRAMING > maxMessageBytes - 64 * 1024) throw new IllegalArgumentException("a block must fit in a message");
            if (maxBytesInFlightPerPeer < maxBlockBytes) throw new IllegalArgumentException("bytes in flight must hold one block");
        }

        BitswapMessage.Limits message() {
            return new BitswapMessage.Limits(maxMessageBytes, maxWantlistEntries, maxBlockBytes);
        }
    }

    /** Counters for status and the benchmark. */
    public static final class Counters {
        public final AtomicLong blocksSent = new AtomicLong();
        public final AtomicLong bytesSent = new AtomicLong();
        public final AtomicLong blocksReceived = new AtomicLong();
        public final AtomicLong unwantedBlocks = new AtomicLong();
        public final AtomicLong havesSent = new AtomicLong();
        public final AtomicLong dontHavesSent = new AtomicLong();
        public final AtomicLong badMessages = new AtomicLong();

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("blocksSent", blocksSent.get());
            m.put("bytesSent", bytesSent.get());
            m.put("blocksReceived", blocksReceived.get());
            m.put("unwantedBlocks", unwantedBlocks.get());
            m.put("havesSent", havesSent.get());
            m.put("dontHavesSent", dontHavesSent.get());
            m.put("badMessages", badMessages.get());
            return m;
        }
    }

    /** What one fetch is waiting for: blocks and DONT_HAVEs from its peer, in arrival order. */
    private record Arrival(Cid cid, byte[] block, String from) {}

    private final BlockStore store;
    private final Limits limits;
    private final Counters counters = new Counters();
    /** Our wants: CID to the arrival queues of the fetches that want it. */
    private final Map<Cid, Set<BlockingQueue<Arrival>>> wanted = new ConcurrentHashMap<>();
    private volatile Host host;

    public Bitswap(BlockStore store, Limits limits) {
        this.store = store;
        this.limits = limits;
    }

    @Override
    public void attach(Host host) {
        this.host = host;
        host.setHandler(PROTOCOL, this::serve);
    }

    public Counters counters() {
        return counters;
    }

    // ---- serving

    private void serve(P2pStream in) throws IOException {
        String peer = in.remotePeerId();
        while (true) {
            BitswapMessage m;
            try {
                byte[] frame = BitswapMessage.read(in.input(), limits.maxMessageBytes());
                if (frame == null) return;
                m = BitswapMessage.decode(frame, limits.message());
            } catch (ProtoException e) {
                counters.badMessages.incrementAndGet();
                log.warn("bitswap.bad", "bitswap: bad message from {}: {}", peer, e.getMessage());
                throw e; // the host resets the stream
            }
            received(peer, m);
            answer(peer, m.wantlist());
        }
    }

    private void answer(String peer, List<BitswapMessage.Entry> wants) throws IOException {
        List<BitswapMessage.Presence> presences = new ArrayList<>();
        List<BitswapMessage.Block> batch = new ArrayList<>();
        long batchBytes = 0;
        for (BitswapMessage.Entry e : wants) {
            if (e.cancel()) continue; // nothing of theirs is queued: answers go out at once
            Cid cid;
            try {
                cid = Cid.fromBytes(e.cid());
            } catch (IllegalArgumentException unsupported) {
                if (e.sendDontHave()) presences.add(new BitswapMessage.Presence(e.cid(), false));
                continue;
            }
            if (e.type() == BitswapMessage.WantType.HAVE) {
                if (store.size(cid) >= 0) {
                    presences.add(new BitswapMessage.Presence(e.cid(), true));
                } else if (e.sendDontHave()) {
                    presences.add(new BitswapMessage.Presence(e.cid(), false));
                }
                continue;
            }
            byte[] block;
            try {
                block = store.get(cid);
            } catch (BlockStore.CorruptBlockException damaged) {
                log.warn("bitswap.corrupt", "bitswap: not serving {}: {}", cid, damaged.getMessage());
                block = null;
            }
            if (block == null) {
                if (e.sendDontHave()) presences.add(new BitswapMessage.Presence(e.cid(), false));
                continue;
            }
            // a message's blocks count with their framing (prefix, tags, lengths) against the receiver's
            // message limit (js bitswap refuses a message over 4 MiB whole)
            long framed = block.length + BLOCK_FRAMING;
            if (!batch.isEmpty() && batchBytes + framed > batchLimit()) {
                send(peer, new BitswapMessage(List.of(), false, batch, List.of()));
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(new BitswapMessage.Block(cid.prefix(), block));
            batchBytes += framed;
        }
        if (!batch.isEmpty() || !presences.isEmpty()) send(peer, new BitswapMessage(List.of(), false, batch, presences));
    }

    /** Block bytes (with framing) in one answer: within bytes in flight and the message limit, with room for presences. */
    private long batchLimit() {
        return Math.min(limits.maxBytesInFlightPerPeer(), limits.maxMessageBytes() - 64 * 1024);
    }

    /** Blocks and DONT_HAVEs for our fetches; anything unasked is dropped. */
    private void received(String peer, BitswapMessage m) {
        for (BitswapMessage.Block b : m.blocks()) {
            Cid cid;
            try {
                cid = Cid.of(prefixCodec(b.prefix()), b.data());
            } catch (IllegalArgumentException e) {
                counters.unwantedBlocks.incrementAndGet();
                continue;
            }
            Set<BlockingQueue<Arrival>> fetches = wanted.get(cid);
            if (fetches == null) {
                counters.unwantedBlocks.incrementAndGet();
                continue;
            }
            counters.blocksReceived.incrementAndGet();
            for (BlockingQueue<Arrival> q : fetches) q.offer(new Arrival(cid, b.data(), peer));
        }
        for (BitswapMessage.Presence p : m.presences()) {
            if (p.have()) continue;
            Cid cid;
            try {
                cid = Cid.fromBytes(p.cid());
            } catch (IllegalArgumentException e) {
                continue;
            }
            Set<BlockingQueue<Arrival>> fetches = wanted.get(cid);
            if (fetches != null) for (BlockingQueue<Arrival> q : fetches) q.offer(new Arrival(cid, null, peer));
        }
    }

    /** The codec of a CIDv1 sha2-256 prefix; IllegalArgumentException for anything else. */
    static int prefixCodec(byte[] prefix) {
        if (prefix.length < 4 || prefix[0] != 1) throw new IllegalArgumentException("not a CIDv1 prefix");
        var codec = net.sovereignbridge.mesh.encoding.UnsignedVarint.decode(prefix, 1);
        if (codec == null || (codec.value() != Cid.RAW && codec.value() != Cid.DAG_PB)) throw new IllegalArgumentException("codec");
        int at = 1 + codec.length();
        if (prefix.length != at + 2 || prefix[at] != 0x12 || prefix[at + 1] != 32) throw new IllegalArgumentException("not sha2-256");
        return (int) codec.value();
    }

    /**
     * Writes a message on a new stream to the peer and closes it, as js bitswap does (it aborts an inbound
     * stream that is idle for 10 s, so a long-lived stream would lose a message written just then).
     */
    private void send(String peer, BitswapMessage m) throws IOException {
        byte[] encoded = m.encode();
        if (encoded.length > limits.maxMessageBytes()) throw new IOException("bitswap message of " + encoded.length + " bytes over the limit");
        try (P2pStream s = host.newStream(peer, List.of(PROTOCOL))) {
            BitswapMessage.write(s.output(), encoded);
            s.closeWrite();
        }
        for (BitswapMessage.Block b : m.blocks()) {
            counters.blocksSent.incrementAndGet();
            counters.bytesSent.addAndGet(b.data().length);
        }
        for (BitswapMessage.Presence p : m.presences()) (p.have() ? counters.havesSent : counters.dontHavesSent).incrementAndGet();
    }

    // ---- fetching

    /** A fetch that could not complete: which block, from whom, why. */
    public static final class FetchException extends IOException {
        FetchException(String message) {
            super(message);
        }
    }

    /** What a fetch brought. */
    public record Fetched(Cid root, long blocks, long bytes, long alreadyHere) {}

    /**
     * Fetches the DAG under {@code root} from a connected {@code peer}, stores and pins it. Blocks already
     * here are not asked for. Fails when the peer says DONT_HAVE or sends nothing for {@code idle}.
     */
    public Fetched fetch(String peer, Cid root, Duration idle) throws IOException {
        return store.withoutGc(() -> fetchUnderLock(peer, root, idle));
    }

    private Fetched fetchUnderLock(String peer, Cid root, Duration idle) throws IOException {
        BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        Deque<Map.Entry<Cid, Long>> todo = new ArrayDeque<>();
        todo.add(Map.entry(root, (long) NODE_ESTIMATE));
        Map<Cid, Long> inFlight = new HashMap<>();
        long inFlightBytes = 0;
        long blocks = 0;
        long bytes = 0;
        long here = 0;
        try {
            while (!todo.isEmpty() || !inFlight.isEmpty()) {
                List<BitswapMessage.Entry> wants = new ArrayList<>();
                while (!todo.isEmpty() && (inFlight.isEmpty() && wants.isEmpty()
                        || inFlightBytes + todo.peekFirst().getValue() <= limits.maxBytesInFlightPerPeer())) {
                    Map.Entry<Cid, Long> next = todo.pollFirst();
                    Cid cid = next.getKey();
                    if (inFlight.containsKey(cid)) continue;
                    byte[] local = store.get(cid);
                    if (local != null) {
                        here++;
                        children(cid, local, todo);
                        continue;
                    }
                    wanted.computeIfAbsent(cid, c -> ConcurrentHashMap.newKeySet()).add(arrivals);
                    inFlight.put(cid, next.getValue());
                    inFlightBytes += next.getValue();
                    wants.add(new BitswapMessage.Entry(cid.toBytes(), 1, false, BitswapMessage.WantType.BLOCK, true));
                }
                if (!wants.isEmpty()) send(peer, BitswapMessage.wants(wants));
                if (inFlight.isEmpty()) continue;
                Arrival a;
                try {
                    a = arrivals.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FetchException("fetch of " + root + " interrupted");
                }
                if (a == null) {
                    throw new FetchException("no block from " + peer + " for " + idle.toSeconds() + " s while fetching " + root
                            + " (" + inFlight.size() + " wanted, " + blocks + " received)");
                }
                // a block is good from anyone (its hash is its name); only our peer's DONT_HAVE counts
                if (a.block() == null && !a.from().equals(peer)) continue;
                Long expected = inFlight.remove(a.cid());
                if (expected == null) continue; // a duplicate
                inFlightBytes -= expected;
                unwant(a.cid(), arrivals);
                if (a.block() == null) throw new FetchException(peer + " does not have block " + a.cid() + " of " + root);
                store.put(a.cid(), a.block());
                blocks++;
                bytes += a.block().length;
                children(a.cid(), a.block(), todo);
            }
            store.pin(root);
            return new Fetched(root, blocks, bytes, here);
        } finally {
            if (!inFlight.isEmpty()) {
                List<BitswapMessage.Entry> cancels = new ArrayList<>();
                for (Cid c : inFlight.keySet()) {
                    unwant(c, arrivals);
                    cancels.add(new BitswapMessage.Entry(c.toBytes(), 1, true, BitswapMessage.WantType.BLOCK, false));
                }
                try {
                    send(peer, BitswapMessage.wants(cancels));
                } catch (IOException e) {
                    log.debug("bitswap.cancel", "bitswap: cancel to {}: {}", peer, e);
                }
            }
        }
    }

    private void unwant(Cid cid, BlockingQueue<Arrival> arrivals) {
        wanted.computeIfPresent(cid, (c, set) -> {
            set.remove(arrivals);
            return set.isEmpty() ? null : set;
        });
    }

    /** Queues the links of a dag-pb block, depth first so the file's start arrives first. */
    private static void children(Cid cid, byte[] block, Deque<Map.Entry<Cid, Long>> todo) throws IOException {
        if (cid.codec() != Cid.DAG_PB) return;
        List<DagPb.Link> links = DagPb.decode(block).links();
        for (int i = links.size() - 1; i >= 0; i--) {
            DagPb.Link l = links.get(i);
            long estimate = l.cid().codec() == Cid.RAW ? Math.max(1, l.treeSize()) : NODE_ESTIMATE;
            todo.addFirst(Map.entry(l.cid(), Math.min(estimate, BlockStore.MAX_BLOCK)));
        }
    }
}
