package net.sovereignbridge.p2p.dht;

import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * A client of a public libp2p DHT ({@code /ipfs/kad/1.0.0}, the Amino DHT) used only for rendezvous
 * through provider records: the same {@link KademliaDht} code in client mode (we never serve the public
 * DHT, so we are not in its routing tables and store nothing for it) with a validator that refuses all
 * values, because we neither put nor read values there.
 */
public final class PublicRendezvous {
    private PublicRendezvous() {}

    /** Refuses every value: on the public DHT we only exchange provider records. */
    public static final RecordValidator PROVIDERS_ONLY = new RecordValidator() {
        @Override
        public String validate(byte[] key, byte[] value) {
            return "values are not used on the public DHT";
        }

        @Override
        public int select(byte[] key, List<byte[]> values) {
            return 0;
        }
    };

    /**
     * A public-DHT client: pass a {@link StreamDhtNetwork} opened with {@link KadStreams#IPFS} and the
     * public bootstrap peers to {@link KademliaDht#bootstrap}; then {@link RegionRendezvous} works as on our DHT.
     */
    public static KademliaDht client(DhtPeer self, DhtNetwork ipfsKadNetwork, LongSupplier clockMs, Random random) {
        return new KademliaDht(self, DhtConfig.defaults().withServerMode(false), ipfsKadNetwork, new MemoryDhtStorage(),
                PROVIDERS_ONLY, clockMs, random);
    }
}
