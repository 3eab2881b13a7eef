package net.sovereignbridge.p2p.dht;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Region rendezvous keys: a bridge provides H("sbridge/region/" + geohash prefix) at a few precisions, a
 * gateway that regains the internet looks its region up and connects to the bridges it finds.
 *
 * <p>The provider key is a sha2-256 multihash (0x12 0x20 + digest), the form libp2p DHTs use for
 * content keys (a CID's multihash), so js-libp2p and public DHT nodes can provide and find the same keys
 * through a CIDv1 (raw codec) of the digest.
 */
public final class RegionKeys {
    /** Precisions provided by a bridge: ~156 km, ~20 km and ~5 km cells. */
    public static final int[] PRECISIONS = {3, 4, 5};
    private static final String GEOHASH = "0123456789bcdefghjkmnpqrstuvwxyz";

    private RegionKeys() {}

    public static byte[] providerKey(String geohashPrefix) {
        String g = geohashPrefix.toLowerCase(java.util.Locale.ROOT);
        if (g.isEmpty() || g.length() > 12) throw new IllegalArgumentException("geohash prefix must be 1..12 characters");
        for (char c : g.toCharArray()) {
            if (GEOHASH.indexOf(c) < 0) throw new IllegalArgumentException("not a geohash character: " + c);
        }
        byte[] digest = KadId.sha256(("sbridge/region/" + g).getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream out = new ByteArrayOutputStream(34);
        out.write(0x12);
        out.write(0x20);
        out.writeBytes(digest);
        return out.toByteArray();
    }

    /** The keys a bridge at this geohash provides, coarsest first. */
    public static List<byte[]> keysFor(String geohash) {
        List<byte[]> out = new ArrayList<>();
        for (int p : PRECISIONS) if (geohash.length() >= p) out.add(providerKey(geohash.substring(0, p)));
        return out;
    }
}
