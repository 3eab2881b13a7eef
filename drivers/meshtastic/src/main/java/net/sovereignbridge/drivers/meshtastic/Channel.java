package net.sovereignbridge.drivers.meshtastic;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Meshtastic channel: a name and a pre-shared key. The key as configured ("psk") is expanded as the firmware does
 * (src/mesh/Channels.cpp): 0 bytes = no encryption; 1 byte n = the default key with its last byte + (n - 1), so
 * "AQ==" (n = 1) is the default key itself and 0 means no encryption; 16 bytes AES-128; 32 bytes AES-256. An
 * empty name means the modem preset's name ("LongFast"), which is what the hash and the frequency slot use.
 *
 * <p>Payloads are AES-CTR with no authentication (anyone with the key can forge; nothing here can tell), nonce =
 * packet id (u64 little-endian) + sender node number (u32 LE) + a 32-bit block counter starting at 0.
 */
public final class Channel {
    /** The default channel key (PSK index 1), d4f1bb3a20290759f0bcffabcf4e6901. */
    public static final byte[] DEFAULT_KEY = {(byte) 0xd4, (byte) 0xf1, (byte) 0xbb, 0x3a, 0x20, 0x29, 0x07, 0x59,
        (byte) 0xf0, (byte) 0xbc, (byte) 0xff, (byte) 0xab, (byte) 0xcf, 0x4e, 0x69, 0x01};

    private final String name;
    private final byte[] key;

    private Channel(String name, byte[] key) {
        this.name = name;
        this.key = key;
    }

    /**
     * @param name the channel name; empty = the preset's name (LongFast for the default channel)
     * @param psk the key as configured (0, 1, 16 or 32 bytes)
     */
    public static Channel of(String name, byte[] psk) {
        Objects.requireNonNull(name, "name");
        String n = name.isEmpty() ? ModemPreset.LONG_FAST.channelName() : name;
        if (n.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 11) {
            throw new IllegalArgumentException("Meshtastic channel names are at most 11 bytes, got '" + name + "'");
        }
        return new Channel(n, expand(psk));
    }

    /** The key in base64, as the apps and the CLI show it ("AQ==" = default). */
    public static Channel of(String name, String base64Psk) {
        byte[] psk;
        try {
            psk = Base64.getDecoder().decode(base64Psk.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the channel key is not base64: " + e.getMessage());
        }
        return of(name, psk);
    }

    /** LongFast with the default key: the channel most Meshtastic nodes are on. */
    public static Channel defaultChannel() {
        return of("", new byte[] {1});
    }

    static byte[] expand(byte[] psk) {
        return switch (psk.length) {
            case 0 -> new byte[0];
            case 1 -> {
                int index = psk[0] & 0xFF;
                if (index == 0) yield new byte[0];
                byte[] k = DEFAULT_KEY.clone();
                k[15] = (byte) (k[15] + index - 1);
                yield k;
            }
            case 16, 32 -> psk.clone();
            default -> throw new IllegalArgumentException("a channel key is 0, 1, 16 or 32 bytes, got " + psk.length);
        };
    }

    public String name() {
        return name;
    }

    public boolean encrypted() {
        return key.length > 0;
    }

    /** The expanded key (a copy). */
    public byte[] key() {
        return key.clone();
    }

    /** XOR of the name's bytes XOR the XOR of the expanded key's bytes (Channels::generateHash). */
    public int hash() {
        int h = 0;
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) h ^= b;
        for (byte b : key) h ^= b;
        return h & 0xFF;
    }

    /** Encrypts or decrypts (CTR is symmetric) a payload of packet {@code id} from node {@code from}. */
    public byte[] crypt(int id, int from, byte[] data) {
        if (key.length == 0) return data.clone();
        byte[] nonce = new byte[16];
        PacketHeader.putLe(nonce, 0, id); // u64 LE: the high four bytes stay 0
        PacketHeader.putLe(nonce, 8, from);
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(nonce));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is part of every Java 17 runtime", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Channel c && c.name.equals(name) && Arrays.equals(c.key, key);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(key);
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return String.format("Channel[%s, hash 0x%02x, %s]", name, hash(),
                key.length == 0 ? "no encryption" : "AES-" + key.length * 8);
    }
}
