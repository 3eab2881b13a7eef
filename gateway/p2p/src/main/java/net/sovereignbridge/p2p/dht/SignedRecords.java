package net.sovereignbridge.p2p.dht;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.identity.DidKey;
import net.sovereignbridge.mesh.identity.IdentifierFormatException;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.mesh.identity.PublicIdentity;

/**
 * Our two record namespaces and their validator (byte layouts and a test vector in docs/dht.md).
 *
 * <ul>
 *   <li>{@code /sbridge/node/<PeerId base58btc>}: a gateway's contact record, signed by the gateway's
 *       Ed25519 key (the key the PeerId inlines).</li>
 *   <li>{@code /sbridge/profile/<did:key>}: a user's profile blob (encrypted by the user before it gets
 *       here; opaque to the DHT), signed by the user's key (the key the did:key names).</li>
 * </ul>
 *
 * Both values end in a 64-byte Ed25519 signature over {@code "sbridge-dht-record:" || key || body}, so a
 * value cannot be moved under another key. Higher sequence numbers win; for equal sequence numbers the
 * bytewise larger value wins so every node picks the same one.
 */
public final class SignedRecords implements RecordValidator {
    public static final String NODE_PREFIX = "/sbridge/node/";
    public static final String PROFILE_PREFIX = "/sbridge/profile/";
    public static final int MAX_VALUE_BYTES = 10 * 1024;
    public static final int MAX_PROFILE_BLOB = 8 * 1024;
    public static final int MAX_ADDRS = 16;
    public static final int MAX_ADDR_BYTES = 256;
    public static final int MAX_TRANSPORTS = 16;
    public static final int MAX_NAME_BYTES = 32;
    public static final int MAX_REGION_BYTES = 12;
    /** Mesh addresses a bridge may list as reached through it (16 bytes each): 1 KiB of the 10 KiB. */
    public static final int MAX_MESH_ADDRS = 64;
    public static final int MESH_ADDR_BYTES = 16;
    static final byte[] NODE_MAGIC = {'S', 'B', 'N', 1};
    static final byte[] PROFILE_MAGIC = {'S', 'B', 'P', 1};
    static final byte[] SIGNING_CONTEXT = "sbridge-dht-record:".getBytes(StandardCharsets.US_ASCII);
    private static final int SIG = PublicIdentity.SIGNATURE_LENGTH;

    /** A gateway's contact record. flags: bit 0 = relay capable, bit 1 = bootstrap node. */
    public record NodeContact(long sequence, byte[] publicKey, String region, int flags, List<String> transports,
                              List<byte[]> addrs, List<byte[]> meshAddrs) {
        public static final int RELAY = 1;
        public static final int BOOTSTRAP = 2;

        public boolean relay() {
            return (flags & RELAY) != 0;
        }
    }

    public record Profile(long sequence, byte[] publicKey, byte[] blob) {}

    public static byte[] nodeKey(String peerIdText) {
        return (NODE_PREFIX + peerIdText).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] profileKey(String did) {
        return (PROFILE_PREFIX + did).getBytes(StandardCharsets.UTF_8);
    }

    // ---- building (signing)

    public static byte[] signNodeContact(NodeIdentity identity, long sequence, String region, int flags,
                                         List<String> transports, List<byte[]> addrs) {
        return signNodeContact(identity, sequence, region, flags, transports, addrs, List.of());
    }

    /**
     * A contact record that also lists the mesh addresses this bridge reaches (its radio and LAN
     * neighbours and routes), for the mesh's overlay-bridge tier. An empty list leaves the optional
     * section out, so records without it keep their v1 bytes.
     */
    public static byte[] signNodeContact(NodeIdentity identity, long sequence, String region, int flags,
                                         List<String> transports, List<byte[]> addrs, List<byte[]> meshAddrs) {
        byte[] pub = identity.publicIdentity().publicKey();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(NODE_MAGIC);
        out.writeBytes(ByteBuffer.allocate(8).putLong(sequence).array());
        out.writeBytes(pub);
        writeShort8(out, region.getBytes(StandardCharsets.UTF_8), MAX_REGION_BYTES, "region");
        out.write(flags & 0xFF);
        if (transports.size() > MAX_TRANSPORTS) throw new IllegalArgumentException("too many transports");
        out.write(transports.size());
        for (String t : transports) writeShort8(out, t.getBytes(StandardCharsets.UTF_8), MAX_NAME_BYTES, "transport");
        if (addrs.size() > MAX_ADDRS) throw new IllegalArgumentException("too many addresses");
        out.write(addrs.size());
        for (byte[] a : addrs) {
            if (a.length > MAX_ADDR_BYTES) throw new IllegalArgumentException("address too long");
            out.write(a.length >>> 8);
            out.write(a.length);
            out.writeBytes(a);
        }
        if (meshAddrs.size() > MAX_MESH_ADDRS) throw new IllegalArgumentException("too many mesh addresses");
        if (!meshAddrs.isEmpty()) {
            out.write(meshAddrs.size());
            for (byte[] m : meshAddrs) {
                if (m.length != MESH_ADDR_BYTES) throw new IllegalArgumentException("mesh address of " + m.length + " bytes");
                out.writeBytes(m);
            }
        }
        return sign(identity, nodeKey(identity.publicIdentity().peerId()), out.toByteArray());
    }

    public static byte[] signProfile(NodeIdentity user, long sequence, byte[] encryptedBlob) {
        if (encryptedBlob.length > MAX_PROFILE_BLOB) throw new IllegalArgumentException("profile blob too large");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PROFILE_MAGIC);
        out.writeBytes(ByteBuffer.allocate(8).putLong(sequence).array());
        out.writeBytes(user.publicIdentity().publicKey());
        out.writeBytes(ByteBuffer.allocate(4).putInt(encryptedBlob.length).array());
        out.writeBytes(encryptedBlob);
        return sign(user, profileKey(user.publicIdentity().did()), out.toByteArray());
    }

    private static void writeShort8(ByteArrayOutputStream out, byte[] v, int max, String what) {
        if (v.length > max) throw new IllegalArgumentException(what + " longer than " + max + " bytes");
        out.write(v.length);
        out.writeBytes(v);
    }

    private static byte[] sign(NodeIdentity identity, byte[] key, byte[] body) {
        byte[] sig = identity.sign(signingInput(key, body, body.length));
        byte[] value = Arrays.copyOf(body, body.length + SIG);
        System.arraycopy(sig, 0, value, body.length, SIG);
        return value;
    }

    private static byte[] signingInput(byte[] key, byte[] value, int bodyLength) {
        byte[] in = new byte[SIGNING_CONTEXT.length + key.length + bodyLength];
        System.arraycopy(SIGNING_CONTEXT, 0, in, 0, SIGNING_CONTEXT.length);
        System.arraycopy(key, 0, in, SIGNING_CONTEXT.length, key.length);
        System.arraycopy(value, 0, in, SIGNING_CONTEXT.length + key.length, bodyLength);
        return in;
    }

    // ---- parsing (no signature check: validate() does that)

    /** Parsed contact record, or null when the bytes are not one. */
    public static NodeContact parseNodeContact(byte[] v) {
        try {
            ByteBuffer b = ByteBuffer.wrap(v, 0, v.length - SIG);
            if (v.length < NODE_MAGIC.length + 8 + 32 + 3 + SIG) return null;
            byte[] magic = new byte[4];
            b.get(magic);
            if (!Arrays.equals(magic, NODE_MAGIC)) return null;
            long seq = b.getLong();
            byte[] pub = new byte[32];
            b.get(pub);
            String region = readShort8(b, MAX_REGION_BYTES);
            int flags = b.get() & 0xFF;
            int nt = b.get() & 0xFF;
            if (nt > MAX_TRANSPORTS) return null;
            List<String> transports = new ArrayList<>(nt);
            for (int i = 0; i < nt; i++) transports.add(readShort8(b, MAX_NAME_BYTES));
            int na = b.get() & 0xFF;
            if (na > MAX_ADDRS) return null;
            List<byte[]> addrs = new ArrayList<>(na);
            for (int i = 0; i < na; i++) {
                int len = b.getShort() & 0xFFFF;
                if (len > MAX_ADDR_BYTES) return null;
                byte[] a = new byte[len];
                b.get(a);
                addrs.add(a);
            }
            List<byte[]> mesh = new ArrayList<>();
            if (b.hasRemaining()) {
                // optional section: one canonical form, so an empty list is the absent section, never a count of 0
                int nm = b.get() & 0xFF;
                if (nm == 0 || nm > MAX_MESH_ADDRS) return null;
                for (int i = 0; i < nm; i++) {
                    byte[] m = new byte[MESH_ADDR_BYTES];
                    b.get(m);
                    mesh.add(m);
                }
            }
            if (b.hasRemaining()) return null;
            if (region == null || transports.contains(null)) return null;
            return new NodeContact(seq, pub, region, flags, transports, addrs, mesh);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    public static Profile parseProfile(byte[] v) {
        if (v.length < PROFILE_MAGIC.length + 8 + 32 + 4 + SIG) return null;
        ByteBuffer b = ByteBuffer.wrap(v, 0, v.length - SIG);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!Arrays.equals(magic, PROFILE_MAGIC)) return null;
        long seq = b.getLong();
        byte[] pub = new byte[32];
        b.get(pub);
        int len = b.getInt();
        if (len < 0 || len > MAX_PROFILE_BLOB || len != b.remaining()) return null;
        byte[] blob = new byte[len];
        b.get(blob);
        return new Profile(seq, pub, blob);
    }

    private static String readShort8(ByteBuffer b, int max) {
        int len = b.get() & 0xFF;
        if (len > max) return null;
        byte[] s = new byte[len];
        b.get(s);
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(ByteBuffer.wrap(s)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    // ---- validation

    @Override
    public String validate(byte[] key, byte[] value) {
        if (value.length > MAX_VALUE_BYTES) return "value of " + value.length + " bytes exceeds " + MAX_VALUE_BYTES;
        String k = asciiKey(key);
        if (k == null) return "key is not in an sbridge namespace";
        byte[] expectedKey;
        long seqOrMinus;
        byte[] pub;
        if (k.startsWith(NODE_PREFIX)) {
            byte[] owner;
            try {
                owner = PeerId.decode(k.substring(NODE_PREFIX.length()));
            } catch (IdentifierFormatException e) {
                return "node key does not name an Ed25519 PeerId";
            }
            NodeContact c = parseNodeContact(value);
            if (c == null) return "malformed node contact record";
            if (!Arrays.equals(owner, c.publicKey())) return "node record key belongs to another PeerId";
            expectedKey = nodeKey(PeerId.encode(owner));
            seqOrMinus = c.sequence();
            pub = c.publicKey();
        } else if (k.startsWith(PROFILE_PREFIX)) {
            byte[] owner;
            try {
                owner = DidKey.decode(k.substring(PROFILE_PREFIX.length()));
            } catch (IdentifierFormatException e) {
                return "profile key does not name an Ed25519 did:key";
            }
            Profile p = parseProfile(value);
            if (p == null) return "malformed profile record";
            if (!Arrays.equals(owner, p.publicKey())) return "profile record key belongs to another DID";
            expectedKey = profileKey(DidKey.encode(owner));
            seqOrMinus = p.sequence();
            pub = p.publicKey();
        } else {
            return "key is not in an sbridge namespace";
        }
        // one canonical spelling per owner, so two spellings cannot hold two different records
        if (!Arrays.equals(expectedKey, key)) return "key is not in canonical form";
        if (seqOrMinus < 0) return "negative sequence number";
        byte[] sig = Arrays.copyOfRange(value, value.length - SIG, value.length);
        PublicIdentity signer = PublicIdentity.of(pub);
        if (!signer.verify(signingInput(key, value, value.length - SIG), sig)) return "bad signature";
        return null;
    }

    private static String asciiKey(byte[] key) {
        if (key.length > 256) return null;
        for (byte b : key) if (b < 0x21 || b > 0x7E) return null;
        return new String(key, StandardCharsets.US_ASCII);
    }

    /** The sequence number of an already validated value. */
    public static long sequenceOf(byte[] value) {
        return ByteBuffer.wrap(value, 4, 8).getLong();
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
        int best = 0;
        for (int i = 1; i < values.size(); i++) {
            byte[] v = values.get(i);
            byte[] b = values.get(best);
            int c = Long.compare(sequenceOf(v), sequenceOf(b));
            if (c > 0 || (c == 0 && Arrays.compareUnsigned(v, b) > 0)) best = i;
        }
        return best;
    }
}
