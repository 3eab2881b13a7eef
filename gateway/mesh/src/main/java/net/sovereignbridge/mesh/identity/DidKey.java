package net.sovereignbridge.mesh.identity;

import net.sovereignbridge.mesh.encoding.Base58;

/**
 * did:key for Ed25519 public keys (W3C CCG did:key method): "did:key:z" + base58btc(0xed 0x01 || key).
 * 0xed01 is the unsigned-varint form of multicodec ed25519-pub (0xed).
 */
public final class DidKey {
    private static final String PREFIX = "did:key:";
    private static final byte MULTICODEC_ED25519_PUB_0 = (byte) 0xED;
    private static final byte MULTICODEC_ED25519_PUB_1 = 0x01;

    private DidKey() {}

    public static String encode(byte[] ed25519PublicKey) {
        checkKeyLength(ed25519PublicKey.length);
        byte[] multicodec = new byte[2 + ed25519PublicKey.length];
        multicodec[0] = MULTICODEC_ED25519_PUB_0;
        multicodec[1] = MULTICODEC_ED25519_PUB_1;
        System.arraycopy(ed25519PublicKey, 0, multicodec, 2, ed25519PublicKey.length);
        return PREFIX + "z" + Base58.encode(multicodec);
    }

    /** Returns the 32-byte Ed25519 public key; accepts a trailing "#fragment" (a DID URL's key id). */
    public static byte[] decode(String did) {
        String text = did.trim();
        int hash = text.indexOf('#');
        if (hash >= 0) text = text.substring(0, hash);
        if (!text.startsWith(PREFIX)) {
            throw new IdentifierFormatException("not a did:key (must start with '" + PREFIX + "'): '" + did + "'");
        }
        String multibase = text.substring(PREFIX.length());
        if (multibase.isEmpty() || multibase.charAt(0) != 'z') {
            throw new IdentifierFormatException("did:key must use base58btc multibase ('z' prefix): '" + did + "'");
        }
        byte[] bytes;
        try {
            bytes = Base58.decode(multibase.substring(1));
        } catch (IllegalArgumentException e) {
            throw new IdentifierFormatException("did:key '" + did + "': " + e.getMessage());
        }
        if (bytes.length < 2 || bytes[0] != MULTICODEC_ED25519_PUB_0 || bytes[1] != MULTICODEC_ED25519_PUB_1) {
            throw new IdentifierFormatException("did:key '" + did + "' is not an Ed25519 key (multicodec 0xed expected)");
        }
        checkKeyLength(bytes.length - 2);
        byte[] key = new byte[32];
        System.arraycopy(bytes, 2, key, 0, 32);
        return key;
    }

    private static void checkKeyLength(int length) {
        if (length != 32) {
            throw new IdentifierFormatException("Ed25519 public key must be 32 bytes, got " + length);
        }
    }
}
