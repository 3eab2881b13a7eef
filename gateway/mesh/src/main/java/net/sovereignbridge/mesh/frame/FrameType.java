package net.sovereignbridge.mesh.frame;

/** The low nibble of a frame's first byte. Values not listed are reserved and rejected by the decoder. */
public enum FrameType {
    /** End-to-end encrypted, sender-authenticated payload for one destination. */
    DATA(0x1),
    /** Authenticated end-to-end acknowledgement of a DATA frame. */
    ACK(0x2),
    /** Signed, unencrypted broadcast: a node's public key and what it offers. */
    ANNOUNCE(0x3),
    /** Signed, unencrypted broadcast to everyone (topics, group traffic). */
    BROADCAST(0x4),
    /** A piece of a longer link-level message; see {@link Fragmenter}. Never carries a mesh header. */
    FRAGMENT(0xF);

    public final int code;

    FrameType(int code) {
        this.code = code;
    }

    static FrameType fromCode(int code) {
        for (FrameType t : values()) {
            if (t.code == code) return t;
        }
        return null;
    }
}
