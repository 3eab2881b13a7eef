package net.sovereignbridge.p2p.dht;

import java.time.Duration;

/**
 * Parameters of one DHT node. K = 20 as in libp2p; alpha defaults to 3 (the Kademlia paper; libp2p uses
 * 10, which costs a Pi more sockets for little gain in a network of our size).
 *
 * @param serverMode only reachable nodes answer queries and enter other nodes' routing tables
 * @param refreshBuckets how many of the nearest-to-farthest buckets a bootstrap refreshes with random lookups
 */
public record DhtConfig(int k, int alpha, boolean serverMode, Duration providerTtl, Duration providerRepublish,
                        Duration recordTtl, Duration recordRepublish, int maxRecords, int maxProviders,
                        int maxProvidersPerPeer, int maxProviderKeyBytes, int refreshBuckets) {

    public static final int K = 20;

    public static DhtConfig defaults() {
        return new DhtConfig(K, 3, true, Duration.ofHours(48), Duration.ofHours(22), Duration.ofHours(48),
                Duration.ofHours(22), 20_000, 100_000, 1_000, 80, 8);
    }

    /** The bootstrap profile ({@code sbridge run --role bootstrap}): always a server, larger quotas. */
    public static DhtConfig bootstrapProfile() {
        DhtConfig d = defaults();
        return new DhtConfig(d.k, d.alpha, true, d.providerTtl, d.providerRepublish, d.recordTtl, d.recordRepublish,
                100_000, 500_000, 5_000, d.maxProviderKeyBytes, 16);
    }

    public DhtConfig withAlpha(int a) {
        return new DhtConfig(k, a, serverMode, providerTtl, providerRepublish, recordTtl, recordRepublish, maxRecords,
                maxProviders, maxProvidersPerPeer, maxProviderKeyBytes, refreshBuckets);
    }

    public DhtConfig withServerMode(boolean server) {
        return new DhtConfig(k, alpha, server, providerTtl, providerRepublish, recordTtl, recordRepublish, maxRecords,
                maxProviders, maxProvidersPerPeer, maxProviderKeyBytes, refreshBuckets);
    }

    public DhtConfig withQuotas(int records, int providers, int perPeer) {
        return new DhtConfig(k, alpha, serverMode, providerTtl, providerRepublish, recordTtl, recordRepublish, records,
                providers, perPeer, maxProviderKeyBytes, refreshBuckets);
    }

    public DhtConfig withRefreshBuckets(int n) {
        return new DhtConfig(k, alpha, serverMode, providerTtl, providerRepublish, recordTtl, recordRepublish, maxRecords,
                maxProviders, maxProvidersPerPeer, maxProviderKeyBytes, n);
    }
}
