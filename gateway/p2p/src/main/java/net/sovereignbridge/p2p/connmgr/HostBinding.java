package net.sovereignbridge.p2p.connmgr;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.HostListener;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.IdentifyInfo;
import net.sovereignbridge.p2p.peerstore.PeerStore;
import net.sovereignbridge.mesh.identity.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plugs a {@link ConnectionManager} (and optionally a {@link PeerStore}) into a {@link Host}:
 * the manager dials through the host, every established connection is admitted or closed with the
 * limit's reason, ended connections are reported (static peers redialled), and identify results
 * (protocols, listen addresses) go into the peer store.
 */
public final class HostBinding implements HostListener {
    private static final Logger log = LoggerFactory.getLogger(HostBinding.class);

    private final Host host;
    private final ConnectionManager manager;
    private final PeerStore peerStore;
    private final Map<Connection, ConnectionManager.Connection> admitted = new ConcurrentHashMap<>();

    private HostBinding(Host host, ConnectionManager manager, PeerStore peerStore) {
        this.host = host;
        this.manager = manager;
        this.peerStore = peerStore;
    }

    /**
     * The host settings that carry the connection limits into the host's own checks: at most
     * inbound + outbound connections, {@code maxHandshaking} inbound upgrades at once, the buffer
     * budgets per connection and in total (each stream reserves one receive window), and per connection as many inbound yamux streams as both the
     * stream limit and the buffer budget allow (each open stream may hold one receive window of
     * unread data, so streams x window stays within {@link ConnectionLimits#maxBufferedPerConnection}).
     */
    public static HostConfig hostConfig(ConnectionLimits limits, HostConfig base) {
        int window = base.yamux().initialWindow();
        long byBuffer = limits.maxBufferedPerConnection() / window;
        int streams = (int) Math.max(1, Math.min(limits.maxStreamsPerConnection(), byBuffer));
        return base.withMaxConnections(limits.maxInbound() + limits.maxOutbound())
                .withMaxPendingUpgrades(limits.maxHandshaking())
                .withYamux(base.yamux().withMaxStreams(streams))
                .withBufferBudget(Math.max(window, limits.maxBufferedPerConnection()),
                        Math.max(window, limits.maxBufferedTotal()));
    }

    /** {@code peerStore} may be null. Call {@link ConnectionManager#start()} afterwards to dial the static peers. */
    public static HostBinding attach(Host host, ConnectionManager manager, PeerStore peerStore) {
        HostBinding b = new HostBinding(host, manager, peerStore);
        manager.setHost(addr -> host.dial(addr));
        host.addListener(b);
        return b;
    }

    @Override
    public void connected(Connection c) {
        byte[] peerId = PeerId.toBytes(c.remoteKey());
        ConnectionManager.Direction d = c.outbound() ? ConnectionManager.Direction.OUTBOUND : ConnectionManager.Direction.INBOUND;
        try {
            admitted.put(c, manager.onConnected(peerId, d, c.remoteAddr().toString()));
        } catch (ConnectionManager.LimitExceededException e) {
            c.close("connection limit: " + e.getMessage());
        }
    }

    @Override
    public void disconnected(Connection c, String reason) {
        ConnectionManager.Connection m = admitted.remove(c);
        if (m != null) manager.onDisconnected(m);
    }

    @Override
    public void identified(Connection c, IdentifyInfo info) {
        if (peerStore == null) return;
        byte[] peerId = PeerId.toBytes(c.remoteKey());
        // Listener callbacks must not block the host: the SQLite writes run on a host worker.
        try {
            host.execute(() -> {
                try {
                    peerStore.setProtocols(peerId, info.protocols());
                    peerStore.addAddresses(peerId, info.listenAddrs(), PeerStore.Source.IDENTIFY);
                } catch (RuntimeException e) {
                    log.warn("peer store: cannot record identify of {}: {}", c.remotePeerId(), e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Host shutting down: nothing to record.
        }
    }

    /** The manager's account of a host connection (null if it was refused or has ended). */
    public ConnectionManager.Connection accountOf(Connection c) {
        return admitted.get(c);
    }
}
