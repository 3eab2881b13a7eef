package net.sovereignbridge.p2p.connmgr;

/**
 * What remote peers may make us hold open or buffer.
 *
 * @param maxInbound               established connections a remote peer opened
 * @param maxOutbound              established connections we opened
 * @param maxPerPeer               connections with one PeerId (2 lets a simultaneous dial both ways settle)
 * @param maxHandshaking           inbound connections still in the transport/security handshake
 * @param maxStreamsPerConnection  open streams on one connection, both directions
 * @param maxBufferedPerConnection bytes received and not yet consumed, on one connection
 * @param maxBufferedTotal         the same over all connections
 */
public record ConnectionLimits(int maxInbound, int maxOutbound, int maxPerPeer, int maxHandshaking,
        int maxStreamsPerConnection, long maxBufferedPerConnection, long maxBufferedTotal) {

    /**
     * Sized for a 512 MB Pi Zero 2 W gateway: tens of overlay neighbours, a thread and at most a few
     * MiB of buffers each, 32 MiB in all.
     */
    public static final ConnectionLimits DEFAULT = new ConnectionLimits(64, 32, 2, 16, 256, 4L << 20, 32L << 20);

    public ConnectionLimits {
        if (maxInbound < 0 || maxOutbound < 0 || maxPerPeer < 1 || maxHandshaking < 1 || maxStreamsPerConnection < 1
                || maxBufferedPerConnection < 1 || maxBufferedTotal < maxBufferedPerConnection) {
            throw new IllegalArgumentException("invalid connection limits " + this);
        }
    }
}
