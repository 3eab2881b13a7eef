package net.sovereignbridge.app.transport.lan;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.NeighbourRule;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportBase;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gateways on the same LAN, over UDP.
 *
 * <p>Rules (docs/decisions.md, "LAN discovery"):
 * <ul>
 *   <li>Every frame travels in one UDP datagram from the node's LAN port (default 4242); MTU 1200 so a
 *       datagram never fragments at the IP layer on any common link.
 *   <li>Broadcast frames (the node's signed announces) go to the multicast group 239.255.77.77 on the
 *       discovery port (default 4243) on each configured interface, and by unicast to every static peer.
 *       They are sent from the LAN port, so a receiver learns the sender's unicast endpoint from the
 *       datagram's source address.
 *   <li>Every node listens on the discovery port with SO_REUSEADDR, so several gateways on one host (and
 *       their tests on loopback) all hear each other's announces.
 *   <li>A source endpoint is a neighbour once the node proved it ({@link NeighbourRule#PROVEN}: a fresh signed
 *       announce or an authentic message came from it; neighbour up) until it has been silent for the neighbour
 *       timeout (default 180 s, six announce intervals: neighbour down). A UDP source address is a claim anyone
 *       can make: were a datagram enough, every stranger's port would be greeted with our announce (a
 *       reflection amplifier) and counted as a neighbour.
 *   <li>A datagram that cannot be a link frame (empty, longer than the MTU, or a first byte whose high nibble
 *       is not the mesh frame version) is counted as rejected and goes no further: a port scanner or a stray
 *       protocol on port 4242 creates no neighbour.
 * </ul>
 * The transport moves opaque bytes; authenticity comes from the signed announce inside.
 */
public final class LanTransport extends TransportBase {
    private static final Logger log = LoggerFactory.getLogger(LanTransport.class);
    public static final int MTU = 1200;
    private static final int RECEIVE_BUFFER = 2048;
    public static final long DEFAULT_NEIGHBOUR_TIMEOUT_MILLIS = 180_000;

    /** Where to listen and whom to tell. {@code interfaces} empty = every up interface that can multicast, and lo. */
    public record Options(String bindAddress, int port, String discoveryGroup, int discoveryPort,
            List<String> interfaces, List<InetSocketAddress> staticPeers, boolean discovery) {
        public static Options defaults() {
            return new Options("0.0.0.0", 4242, "239.255.77.77", 4243, List.of(), List.of(), true);
        }
    }

    private final Options options;
    private DatagramChannel unicast;
    private DatagramChannel discoveryChannel;
    private List<NetworkInterface> multicastInterfaces = List.of();
    private InetAddress group;
    private final List<Thread> threads = new ArrayList<>();
    private final long neighbourTimeoutMillis;
    private volatile boolean sweeping;

    public LanTransport(String id, Options options) {
        this(id, options, DEFAULT_NEIGHBOUR_TIMEOUT_MILLIS);
    }

    public LanTransport(String id, Options options, long neighbourTimeoutMillis) {
        this(id, options, neighbourTimeoutMillis, Clock.systemUTC());
    }

    /** @param clock when neighbours were heard and when they time out */
    public LanTransport(String id, Options options, long neighbourTimeoutMillis, Clock clock) {
        super(id, profile(neighbourTimeoutMillis), clock, DEFAULT_MAX_NEIGHBOURS, NeighbourRule.PROVEN);
        this.options = options;
        this.neighbourTimeoutMillis = neighbourTimeoutMillis;
    }

    private static TransportProfile profile(long neighbourTimeoutMillis) {
        if (neighbourTimeoutMillis <= 0) throw new IllegalArgumentException("neighbour timeout must be positive");
        return TransportProfile.of(TransportKind.DUPLEX, MTU, PreferenceClass.LOCAL_FAST).withBitrate(100_000_000L)
                .withLatency(1).withNeighbourTimeout(neighbourTimeoutMillis);
    }

    /** The bound unicast address (useful when port 0 was asked for). */
    public synchronized InetSocketAddress localAddress() {
        try {
            return unicast == null ? null : (InetSocketAddress) unicast.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Where it listens: {@code udp} the bound unicast address, {@code discovery} the multicast group and port. */
    @Override
    public Map<String, Object> statusFields() {
        InetSocketAddress local = localAddress();
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        if (local != null) m.put("udp", local.getAddress().getHostAddress() + ":" + local.getPort());
        if (options.discovery()) m.put("discovery", options.discoveryGroup() + ":" + options.discoveryPort());
        return m;
    }

    @Override
    public synchronized void start(TransportListener listener) throws TransportException {
        if (state() == TransportState.ACTIVE) return;
        attach(listener);
        setState(TransportState.STARTING, "");
        try {
            unicast = DatagramChannel.open(StandardProtocolFamily.INET);
            unicast.bind(new InetSocketAddress(InetAddress.getByName(options.bindAddress()), options.port()));
        } catch (IOException e) {
            closeQuietly();
            String why = "cannot bind UDP " + options.bindAddress() + ":" + options.port() + ": " + e.getMessage()
                    + (e instanceof java.net.BindException ? " (is another gateway using this port? set lan.port)" : "");
            setState(TransportState.FAILED, why);
            throw new TransportException("lan: " + why, e);
        }
        if (options.discovery()) {
            try {
                group = InetAddress.getByName(options.discoveryGroup());
                multicastInterfaces = chooseInterfaces();
                discoveryChannel = DatagramChannel.open(StandardProtocolFamily.INET);
                discoveryChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                discoveryChannel.bind(new InetSocketAddress(options.discoveryPort()));
                for (NetworkInterface nif : multicastInterfaces) {
                    try {
                        discoveryChannel.join(group, nif);
                    } catch (IOException | UnsupportedOperationException e) {
                        log.warn("lan: cannot join {} on {}: {}", group.getHostAddress(), nif.getName(), e.getMessage());
                    }
                }
                unicast.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                unicast.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            } catch (IOException e) {
                // Discovery is a convenience: static peers still work without it.
                log.warn("lan: multicast discovery disabled: {}", e.getMessage());
                closeDiscovery();
            }
        }
        startReader(unicast, "lan-" + id() + "-unicast");
        if (discoveryChannel != null) startReader(discoveryChannel, "lan-" + id() + "-discovery");
        startSweeper();
        setState(TransportState.ACTIVE, "udp " + localAddress() + (discoveryChannel == null ? "" : ", discovery "
                + options.discoveryGroup() + ":" + options.discoveryPort() + " on " + interfaceNames()));
    }

    private String interfaceNames() {
        return multicastInterfaces.stream().map(NetworkInterface::getName).toList().toString();
    }

    private List<NetworkInterface> chooseInterfaces() throws SocketException {
        List<NetworkInterface> out = new ArrayList<>();
        if (!options.interfaces().isEmpty()) {
            for (String name : options.interfaces()) {
                NetworkInterface nif = NetworkInterface.getByName(name);
                if (nif == null) throw new SocketException("no network interface named '" + name + "'");
                out.add(nif);
            }
            return out;
        }
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp()) continue;
            boolean hasIpv4 = Collections.list(nif.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet4Address);
            if (hasIpv4 && (nif.isLoopback() || nif.supportsMulticast())) out.add(nif);
        }
        return out;
    }

    private void startReader(DatagramChannel channel, String name) {
        Thread t = new Thread(() -> readLoop(channel), name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void startSweeper() {
        sweeping = true;
        long period = Math.max(10, Math.min(5_000, neighbourTimeoutMillis / 4));
        Thread t = new Thread(() -> {
            while (sweeping) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
                expireNeighbours();
            }
        }, "lan-" + id() + "-neighbours");
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void readLoop(DatagramChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(RECEIVE_BUFFER);
        while (state() == TransportState.ACTIVE || state() == TransportState.STARTING) {
            try {
                buffer.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
                if (from == null) continue;
                buffer.flip();
                DecodeError unfit = unfitForLinkFrame(buffer);
                if (unfit != null) {
                    rejected(unfit);
                    log.debug("lan: datagram of {} bytes from {} is no link frame", buffer.remaining(), from);
                    continue;
                }
                byte[] frame = new byte[buffer.remaining()];
                buffer.get(frame);
                deliver(new Endpoint(id(), format(from)), frame, LinkQuality.UNKNOWN);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (state() != TransportState.ACTIVE) return;
                log.debug("lan: receive error: {}", e.getMessage());
            }
        }
    }

    /** Why a datagram cannot be a link frame, or null when it may be one. */
    private static DecodeError unfitForLinkFrame(ByteBuffer datagram) {
        int n = datagram.remaining();
        if (n == 0) return DecodeError.TRUNCATED;
        if (n > MTU) return DecodeError.OVERSIZE;
        if ((datagram.get(datagram.position()) & 0xF0) >>> 4 != MeshFrame.VERSION) return DecodeError.UNKNOWN_VERSION;
        return null;
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        checkSend(to, frame);
        DatagramChannel ch = unicast;
        if (ch == null) throw new TransportException("lan: transport is " + state());
        try {
            if (to.isBroadcast()) {
                broadcast(ch, frame);
            } else {
                ch.send(ByteBuffer.wrap(frame), parse(to.value()));
            }
            sent();
        } catch (IOException | IllegalArgumentException e) {
            sendFailed();
            throw new TransportException("lan: send to " + to.value() + " failed: " + e.getMessage(), e);
        }
    }

    private void broadcast(DatagramChannel ch, byte[] frame) throws IOException {
        IOException last = null;
        int sent = 0;
        if (discoveryChannel != null) {
            // One multicast interface at a time on the shared socket: hold its lock while switching.
            synchronized (ch) {
                for (NetworkInterface nif : multicastInterfaces) {
                    try {
                        ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                        ch.send(ByteBuffer.wrap(frame), new InetSocketAddress(group, options.discoveryPort()));
                        sent++;
                    } catch (IOException e) {
                        last = e;
                    }
                }
            }
        }
        for (InetSocketAddress peer : options.staticPeers()) {
            try {
                ch.send(ByteBuffer.wrap(frame), peer.isUnresolved()
                        ? new InetSocketAddress(peer.getHostString(), peer.getPort()) : peer);
                sent++;
            } catch (IOException e) {
                last = e;
            }
        }
        if (sent == 0 && last != null) throw last;
    }

    @Override
    public synchronized void stop() {
        if (state() == TransportState.STOPPED) return;
        setState(TransportState.STOPPING, "");
        sweeping = false;
        closeQuietly();
        for (Thread t : threads) {
            t.interrupt();
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        setState(TransportState.STOPPED, "");
    }

    private void closeQuietly() {
        try {
            if (unicast != null) unicast.close();
        } catch (IOException ignored) {
            // closing a socket we are abandoning
        }
        unicast = null;
        closeDiscovery();
    }

    private void closeDiscovery() {
        try {
            if (discoveryChannel != null) discoveryChannel.close();
        } catch (IOException ignored) {
            // closing a socket we are abandoning
        }
        discoveryChannel = null;
    }

    static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Parses "host:port" or "[v6]:port"; throws IllegalArgumentException naming the bad value. */
    public static InetSocketAddress parse(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("'" + value + "' is not host:port");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' has a non-numeric port");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("'" + value + "' has port out of 1..65535");
        return new InetSocketAddress(host, port);
    }
}
