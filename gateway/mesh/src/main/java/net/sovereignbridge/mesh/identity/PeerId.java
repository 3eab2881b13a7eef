package net.sovereignbridge.mesh.identity;

import java.util.Arrays;
import net.sovereignbridge.mesh.encoding.Base58;

/**
 * libp2p PeerId of an Ed25519 key (libp2p specs, peer-ids.md): the identity multihash (code 0x00)
 * of the protobuf PublicKey{Type = Ed25519 (1), Data = key}. The protobuf is 36 bytes
 * (08 01 12 20 || key) and short enough to be inlined instead of hashed, so the PeerId carries the key.
 */
public final class PeerId {
    /** protobuf: field 1 varint = 1 (Ed25519), field 2 length-delimited, 32 bytes. */
    private static final byte[] PROTOBUF_PREFIX = {0x08, 0x01, 0x12, 0x20};
    private static final int PROTOBUF_LENGTH = PROTOBUF_PREFIX.length + 32;

    private PeerId() {}

    /** The protobuf-encoded PublicKey, as it appears in Noise handshake payloads and identify. */
    public static byte[] publicKeyProtobuf(byte[] ed25519PublicKey) {
        if (ed25519PublicKey.length != 32) {
            throw new IdentifierFormatException("Ed25519 public key must be 32 bytes, got " + ed25519PublicKey.length);
        }
        byte[] out = Arrays.copyOf(PROTOBUF_PREFIX, PROTOBUF_LENGTH);
        System.arraycopy(ed25519PublicKey, 0, out, PROTOBUF_PREFIX.length, 32);
        return out;
    }

    /** The binary PeerId: multihash identity (0x00), length, protobuf key. */
    public static byte[] toBytes(byte[] ed25519PublicKey) {
        byte[] proto = publicKeyProtobuf(ed25519PublicKey);
        byte[] out = new byte[2 + proto.length];
        out[0] = 0x00;
        out[1] = (byte) proto.length;
        System.arraycopy(proto, 0, out, 2, proto.length);
        return out;
    }

    public static String encode(byte[] ed25519PublicKey) {
        return Base58.encode(toBytes(ed25519PublicKey));
    }

    /** Extracts the Ed25519 key from a binary PeerId. */
    public static byte[] fromBytes(byte[] peerId) {
        if (peerId.length == 2 + PROTOBUF_LENGTH && peerId[0] == 0x00 && peerId[1] == PROTOBUF_LENGTH) {
            byte[] proto = Arrays.copyOfRange(peerId, 2, peerId.length);
            if (Arrays.equals(proto, 0, PROTOBUF_PREFIX.length, PROTOBUF_PREFIX, 0, PROTOBUF_PREFIX.length)) {
                return Arrays.copyOfRange(proto, PROTOBUF_PREFIX.length, proto.length);
            }
            throw new IdentifierFormatException("PeerId does not inline an Ed25519 public key");
        }
        if (peerId.length == 34 && peerId[0] == 0x12 && peerId[1] == 0x20) {
            throw new IdentifierFormatException(
                    "PeerId is a SHA-256 multihash (an RSA or other large key): only Ed25519 PeerIds are supported");
        }
        throw new IdentifierFormatException("PeerId is not an Ed25519 identity multihash (" + peerId.length + " bytes)");
    }

    /** Parses the base58btc text form ("12D3KooW...") and returns the Ed25519 public key. */
    public static byte[] decode(String text) {
        String t = text.trim();
        if (t.isEmpty()) throw new IdentifierFormatException("empty PeerId");
        byte[] bytes;
        try {
            bytes = Base58.decode(t);
        } catch (IllegalArgumentException e) {
            throw new IdentifierFormatException("PeerId '" + text + "': " + e.getMessage());
        }
        try {
            return fromBytes(bytes);
        } catch (IdentifierFormatException e) {
            throw new IdentifierFormatException("PeerId '" + text + "': " + e.getMessage());
        }
    }
}
