package net.sovereignbridge.drivers.meshtastic;

import java.util.Arrays;

/**
 * A node's description, protobuf {@code meshtastic.User} (mesh.proto), the payload of NODEINFO_APP: id 1 ("!%08x"),
 * long_name 2, short_name 3, hw_model 5 (enum; PRIVATE_HW = 255), is_licensed 6, role 7 (enum; CLIENT = 0),
 * public_key 8 (32 bytes, X25519). The deprecated macaddr 4 is skipped.
 */
public record User(String id, String longName, String shortName, int hwModel, boolean licensed, int role,
                   byte[] publicKey) {
    public static final int PRIVATE_HW = 255;
    public static final int ROLE_CLIENT = 0;

    public User {
        publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public static User of(int node, String longName, String shortName) {
        return new User(PacketHeader.nodeId(node), longName, shortName, PRIVATE_HW, false, ROLE_CLIENT, new byte[0]);
    }

    public byte[] encode() {
        return new ProtoWriter().string(1, id).string(2, longName).string(3, shortName).uint(5, hwModel)
                .bool(6, licensed).uint(7, role).bytes(8, publicKey).toByteArray();
    }

    public static User decode(byte[] bytes) throws MeshtasticException {
        ProtoReader r = new ProtoReader("User", bytes);
        String id = "", longName = "", shortName = "";
        int hw = 0, role = 0;
        boolean licensed = false;
        byte[] key = new byte[0];
        while (r.next()) {
            switch (r.field()) {
                case 1 -> id = r.string(16);
                case 2 -> longName = r.string(40);
                case 3 -> shortName = r.string(5);
                case 5 -> hw = r.uint32();
                case 6 -> licensed = r.bool();
                case 7 -> role = r.uint32();
                case 8 -> key = r.bytes(32);
                default -> r.skip();
            }
        }
        return new User(id, longName, shortName, hw, licensed, role, key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof User u && u.id.equals(id) && u.longName.equals(longName) && u.shortName.equals(shortName)
                && u.hwModel == hwModel && u.licensed == licensed && u.role == role && Arrays.equals(u.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
