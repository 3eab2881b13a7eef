package net.sovereignbridge.p2p.dht;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** In-memory storage for the simulation and for nodes without a state directory. */
public final class MemoryDhtStorage implements DhtStorage {
    private final Map<ByteBuffer, StoredRecord> records = new HashMap<>();
    private final Map<ByteBuffer, LinkedHashMap<ByteBuffer, Provider>> providers = new HashMap<>();
    private final Map<ByteBuffer, Integer> providersFrom = new HashMap<>();
    private final Map<ByteBuffer, StoredRecord> ownValues = new HashMap<>();
    private final Map<ByteBuffer, StoredRecord> ownProvided = new HashMap<>();
    private List<DhtPeer> routing = List.of();
    private int providerCount;

    private static ByteBuffer k(byte[] b) {
        return ByteBuffer.wrap(b.clone());
    }

    @Override
    public synchronized StoredRecord getRecord(byte[] key) {
        return records.get(ByteBuffer.wrap(key));
    }

    @Override
    public synchronized void putRecord(byte[] key, byte[] value, long receivedMs) {
        records.put(k(key), new StoredRecord(key.clone(), value.clone(), receivedMs));
    }

    @Override
    public synchronized int recordCount() {
        return records.size();
    }

    @Override
    public synchronized int expireRecords(long cutoffMs) {
        int before = records.size();
        records.values().removeIf(r -> r.receivedMs() < cutoffMs);
        return before - records.size();
    }

    @Override
    public synchronized boolean putProvider(byte[] key, DhtPeer provider, long receivedMs) {
        var forKey = providers.computeIfAbsent(k(key), x -> new LinkedHashMap<>());
        ByteBuffer pid = ByteBuffer.wrap(provider.idUnsafe());
        boolean added = forKey.put(pid, new Provider(provider, receivedMs)) == null;
        if (added) {
            providerCount++;
            providersFrom.merge(pid, 1, Integer::sum);
        }
        return added;
    }

    @Override
    public synchronized List<Provider> getProviders(byte[] key, int max) {
        var forKey = providers.get(ByteBuffer.wrap(key));
        if (forKey == null) return List.of();
        return forKey.values().stream().limit(max).toList();
    }

    @Override
    public synchronized int providerCount() {
        return providerCount;
    }

    @Override
    public synchronized int providerCountFrom(byte[] peerId) {
        return providersFrom.getOrDefault(ByteBuffer.wrap(peerId), 0);
    }

    @Override
    public synchronized int expireProviders(long cutoffMs) {
        int removed = 0;
        for (var it = providers.values().iterator(); it.hasNext(); ) {
            var forKey = it.next();
            for (var e = forKey.entrySet().iterator(); e.hasNext(); ) {
                var entry = e.next();
                if (entry.getValue().receivedMs() < cutoffMs) {
                    e.remove();
                    removed++;
                    providersFrom.computeIfPresent(entry.getKey(), (p, n) -> n <= 1 ? null : n - 1);
                }
            }
            if (forKey.isEmpty()) it.remove();
        }
        providerCount -= removed;
        return removed;
    }

    @Override
    public synchronized void putOwn(byte[] key, boolean provider, byte[] value) {
        (provider ? ownProvided : ownValues).put(k(key), new StoredRecord(key.clone(), value == null ? null : value.clone(), 0));
    }

    @Override
    public synchronized void removeOwn(byte[] key, boolean provider) {
        (provider ? ownProvided : ownValues).remove(k(key));
    }

    @Override
    public synchronized List<StoredRecord> own(boolean provider) {
        return new ArrayList<>((provider ? ownProvided : ownValues).values());
    }

    @Override
    public synchronized void saveRoutingTable(List<DhtPeer> peers) {
        routing = List.copyOf(peers);
    }

    @Override
    public synchronized List<DhtPeer> loadRoutingTable() {
        return routing;
    }
}
