package net.sovereignbridge.p2p.dht;

import java.util.List;

/**
 * What a DHT node keeps: values it stores for others, provider records, its routing table, and what it
 * published itself (to republish). Two implementations: SQLite (the daemon: survives restarts) and memory
 * (the simulation). Quotas are enforced by {@link KademliaDht}, not here.
 */
public interface DhtStorage {

    record StoredRecord(byte[] key, byte[] value, long receivedMs) {}

    record Provider(DhtPeer peer, long receivedMs) {}

    StoredRecord getRecord(byte[] key);

    void putRecord(byte[] key, byte[] value, long receivedMs);

    int recordCount();

    /** Removes values received before the cutoff; returns how many. */
    int expireRecords(long cutoffMs);

    /** Adds or refreshes (key, provider); returns false when it was already present (refreshed). */
    boolean putProvider(byte[] key, DhtPeer provider, long receivedMs);

    List<Provider> getProviders(byte[] key, int max);

    int providerCount();

    int providerCountFrom(byte[] peerId);

    int expireProviders(long cutoffMs);

    /** Keys this node published itself (values and provider announcements), to republish on a timer. */
    void putOwn(byte[] key, boolean provider, byte[] value);

    List<StoredRecord> own(boolean provider);

    /** Forgets one of our own keys: it is no longer republished (copies elsewhere expire on their own). */
    void removeOwn(byte[] key, boolean provider);

    void saveRoutingTable(List<DhtPeer> peers);

    List<DhtPeer> loadRoutingTable();
}
