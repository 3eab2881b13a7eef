package net.sovereignbridge.app.dht;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.routing.NextHop;
import net.sovereignbridge.mesh.routing.OverlayBridges;
import net.sovereignbridge.p2p.dht.MeshBridges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's overlay-bridge tier answered by the DHT ({@link MeshBridges}): answers from a cache, looks
 * misses up in the background. A found bridge is kept 10 minutes, a miss 1 minute (so an address nobody
 * reaches does not cost a DHT lookup per message), at most {@link #MAX_ENTRIES} addresses and
 * {@link #MAX_SEARCHES} lookups in flight.
 */
public final class DhtBridgeLocator implements OverlayBridges {
    private static final Logger log = LoggerFactory.getLogger(DhtBridgeLocator.class);
    static final long FOUND_TTL_MS = 600_000;
    static final long MISS_TTL_MS = 60_000;
    static final int MAX_ENTRIES = 10_000;
    static final int MAX_SEARCHES = 4;
    static final int BRIDGES_PER_ADDRESS = 3;

    private record Entry(List<MeshBridges.Bridge> bridges, long expiresAt) {}

    private final MeshBridges lookup;
    private final ExecutorService executor;
    private final Map<MeshAddress, Entry> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MeshAddress, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };
    private final Set<MeshAddress> inFlight = ConcurrentHashMap.newKeySet();
    /** Told of every bridge a lookup found, e.g. to put its addresses in the overlay's peer store. */
    private volatile Consumer<MeshBridges.Bridge> onFound = b -> {};

    DhtBridgeLocator(MeshBridges lookup, ExecutorService executor) {
        this.lookup = lookup;
        this.executor = executor;
    }

    @Override
    public List<NextHop> known(MeshAddress destination) {
        Entry e;
        synchronized (cache) {
            e = cache.get(destination);
        }
        if (e == null || e.expiresAt < System.currentTimeMillis()) return List.of();
        return e.bridges.stream().map(b -> new NextHop(DhtService.overlayEndpoint(b.peer()),
                MeshAddress.fromPublicKey(b.contact().publicKey()))).toList();
    }

    @Override
    public void search(MeshAddress destination, Consumer<MeshAddress> found) {
        synchronized (cache) {
            Entry e = cache.get(destination);
            if (e != null && e.expiresAt >= System.currentTimeMillis()) return; // fresh answer or a recent miss
        }
        if (inFlight.size() >= MAX_SEARCHES || !inFlight.add(destination)) return;
        try {
            executor.execute(() -> {
                try {
                    if (!lookupNow(destination).isEmpty()) found.accept(destination);
                } catch (RuntimeException ex) {
                    log.debug("bridge lookup for {} failed: {}", destination, ex.toString());
                } finally {
                    inFlight.remove(destination);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ex) {
            inFlight.remove(destination);
        }
    }

    /** Sets who is told of found bridges (the overlay records their addresses so its transport can dial them). */
    public void onFound(Consumer<MeshBridges.Bridge> listener) {
        this.onFound = listener;
    }

    /** A DHT lookup now (blocking), which also refreshes the cache. */
    public List<MeshBridges.Bridge> lookupNow(MeshAddress destination) {
        List<MeshBridges.Bridge> bridges = lookup.find(destination, BRIDGES_PER_ADDRESS);
        long ttl = bridges.isEmpty() ? MISS_TTL_MS : FOUND_TTL_MS;
        synchronized (cache) {
            cache.put(destination, new Entry(List.copyOf(bridges), System.currentTimeMillis() + ttl));
        }
        for (MeshBridges.Bridge b : bridges) {
            try {
                onFound.accept(b);
            } catch (RuntimeException e) {
                log.debug("bridge listener: {}", e.toString());
            }
        }
        return bridges;
    }
}
