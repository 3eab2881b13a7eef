package net.sovereignbridge.p2p.dht;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.sovereignbridge.mesh.encoding.Base58;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.HostListener;
import net.sovereignbridge.p2p.host.IdentifyInfo;
import net.sovereignbridge.p2p.host.P2pStream;
import net.sovereignbridge.p2p.host.Reachability;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kad protocols on the libp2p host's streams (TCP + Noise + yamux + multistream-select), the way
 * js-libp2p and go-libp2p speak them: outbound requests open a stream to the peer (dialling its addresses
 * with /p2p/PEERID when not connected), inbound streams of {@code protocol} are answered by the DHT.
 *
 * <p>Who may enter our routing table is decided by identify, as libp2p does: the requester is a server
 * when its identify lists the kad protocol (a client-mode node does not), and its addresses are the
 * listen addresses identify reported. An inbound request waits up to 5 s for the connection's identify.
 *
 * <p>Only nodes in server mode register the handler (and so list the protocol in identify). One host can
 * carry both our DHT ({@link KadStreams#SBRIDGE}, served) and the public-DHT client profile
 * ({@link KadStreams#IPFS}, open only): {@link #open} takes the protocol per call.
 */
public final class HostKadEndpoint implements KadEndpoint {
    private static final Logger log = LoggerFactory.getLogger(HostKadEndpoint.class);
    static final long IDENTIFY_WAIT_MS = 5_000;

    private final Host host;
    private final String protocol;
    private final List<byte[]> announce;
    private volatile HostListener reachabilityFollower;

    /** @param protocol the protocol this node serves when its DHT is in server mode */
    public HostKadEndpoint(Host host, String protocol) {
        this(host, protocol, List.of());
    }

    /**
     * @param announce addresses to give others in our DHT records (public address, port mapping); empty =
     *     the host's listen addresses, a wildcard one expanded to the addresses of the up interfaces
     */
    public HostKadEndpoint(Host host, String protocol, List<byte[]> announce) {
        this.host = host;
        this.protocol = protocol;
        this.announce = announce.stream().map(byte[]::clone).toList();
    }

    @Override
    public void serve(KademliaDht dht) {
        if (!dht.serverMode()) return; // client mode: do not answer, do not list the protocol in identify
        host.setHandler(protocol, stream -> {
            IdentifyInfo info = identify(stream); // once: a peer that never identifies costs one wait, not two
            KadStreams.serve(dht, remotePeer(stream, info), isServer(stream, info), stream.input(), stream.output());
        });
    }

    /** Stops serving (the DHT switched to client mode); identify stops listing the protocol. */
    public void stopServing() {
        host.removeHandler(protocol);
    }

    /**
     * Server mode exactly while the host is {@link Reachability#PUBLIC}: follows the host's reachability
     * events (set today from the daemon's configuration, later by AutoNAT and port mapping), starting with
     * the current reachability. Stops following on {@link #close}.
     */
    public void followReachability(KademliaDht dht) {
        HostListener follower = new HostListener() {
            @Override
            public void reachabilityChanged(Reachability r, String reason) {
                boolean server = r == Reachability.PUBLIC;
                if (server != dht.serverMode()) log.info("DHT {} server mode: reachability {} ({})", server ? "enters" : "leaves", r, reason);
                setServerMode(dht, server);
            }
        };
        reachabilityFollower = follower;
        host.addListener(follower);
        setServerMode(dht, host.reachability() == Reachability.PUBLIC);
    }

    /**
     * Switches the DHT's mode and starts or stops serving with it, so identify lists the kad protocol
     * exactly while we answer it (identify push tells connected peers at once).
     */
    public synchronized void setServerMode(KademliaDht dht, boolean server) {
        dht.setServerMode(server);
        if (server) {
            serve(dht);
        } else {
            stopServing();
        }
    }

    private IdentifyInfo identify(P2pStream stream) {
        try {
            return stream.connection().identified().get(IDENTIFY_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private static DhtPeer remotePeer(P2pStream stream, IdentifyInfo info) {
        byte[] id = Base58.decode(stream.remotePeerId());
        List<byte[]> addrs = new ArrayList<>();
        if (info != null) {
            for (Multiaddr a : info.listenAddrs()) {
                if (addrs.size() == SignedRecords.MAX_ADDRS) break;
                byte[] b = a.withoutPeerId().toBytes();
                if (b.length <= SignedRecords.MAX_ADDR_BYTES) addrs.add(b);
            }
        }
        return new DhtPeer(id, addrs);
    }

    private static boolean isServer(P2pStream stream, IdentifyInfo info) {
        return info != null && info.supports(stream.protocol()) && !info.listenAddrs().isEmpty();
    }

    @Override
    public StreamDhtNetwork.KadStream open(DhtPeer peer, String proto) throws IOException {
        String id = peer.idText();
        P2pStream s = null;
        IOException last = null;
        if (host.connection(id).isPresent()) {
            try {
                s = host.newStream(id, List.of(proto));
            } catch (IOException e) {
                last = e;
            }
        }
        for (int i = 0; s == null && i < peer.addrs().size(); i++) {
            try {
                Multiaddr a = Multiaddr.decode(peer.addrs().get(i)).withoutPeerId().with(Multiaddr.Protocol.P2P, peer.id());
                s = host.newStream(a, List.of(proto));
            } catch (MultiaddrException e) {
                last = new IOException("address of " + peer + ": " + e.getMessage(), e);
            } catch (IOException e) {
                last = e;
            }
        }
        if (s == null) throw last != null ? last : new IOException("no address for " + peer);
        P2pStream stream = s;
        return new StreamDhtNetwork.KadStream() {
            @Override
            public InputStream in() {
                return stream.input();
            }

            @Override
            public OutputStream out() {
                return stream.output();
            }

            @Override
            public void close() throws IOException {
                stream.close();
            }
        };
    }

    @Override
    public List<byte[]> listenAddrs() {
        if (!announce.isEmpty()) return announce.stream().map(byte[]::clone).toList();
        List<byte[]> out = new ArrayList<>();
        for (Multiaddr a : host.listenAddrs()) {
            for (byte[] b : expand(a)) if (out.size() < SignedRecords.MAX_ADDRS) out.add(b);
        }
        return out;
    }

    /**
     * A listen address as others can dial it: a wildcard (0.0.0.0, ::) becomes the addresses of the host's
     * up, non-loopback, non-link-local interfaces of that family (loopback when there are none).
     */
    static List<byte[]> expand(Multiaddr listen) {
        List<Multiaddr.Component> c = listen.components();
        if (c.size() != 2 || c.get(1).protocol() != Multiaddr.Protocol.TCP
                || (c.get(0).protocol() != Multiaddr.Protocol.IP4 && c.get(0).protocol() != Multiaddr.Protocol.IP6)) {
            return List.of(listen.toBytes());
        }
        try {
            java.net.InetAddress bound = java.net.InetAddress.getByAddress(c.get(0).value());
            if (!bound.isAnyLocalAddress()) return List.of(listen.toBytes());
            boolean v6 = bound instanceof java.net.Inet6Address;
            List<java.net.InetAddress> hosts = new ArrayList<>();
            for (java.net.NetworkInterface ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback()) continue;
                for (java.net.InetAddress a : java.util.Collections.list(ni.getInetAddresses())) {
                    if (!a.isLinkLocalAddress() && (a instanceof java.net.Inet6Address) == v6) hosts.add(a);
                }
            }
            if (hosts.isEmpty()) hosts.add(v6 ? java.net.InetAddress.getByName("::1") : java.net.InetAddress.getByName("127.0.0.1"));
            List<byte[]> out = new ArrayList<>();
            for (java.net.InetAddress h : hosts) {
                String text = h.getHostAddress();
                int zone = text.indexOf('%');
                if (zone >= 0) text = text.substring(0, zone);
                out.add(Multiaddr.parse("/" + (v6 ? "ip6" : "ip4") + "/" + text + "/tcp/" + c.get(1).valueText()).toBytes());
            }
            return out;
        } catch (java.io.IOException | MultiaddrException e) {
            return List.of(listen.toBytes());
        }
    }

    /** The host belongs to whoever made it: closing the DHT's transport only stops serving. */
    @Override
    public void close() {
        HostListener follower = reachabilityFollower;
        if (follower != null) host.removeListener(follower);
        try {
            stopServing();
        } catch (RuntimeException e) {
            log.debug("stop serving {}: {}", protocol, e.toString());
        }
    }
}
