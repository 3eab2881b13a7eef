package net.sovereignbridge.mesh.link;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.HopAck;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's link layer, one {@link Link} per transport: everything between a transport's raw frames and
 * whole, decoded mesh frames. Receiving: a bounded queue onto the node's receive thread (a full queue drops
 * and counts {@link DecodeError#RECEIVE_QUEUE_FULL}), the MTU check, neighbour liveness, reassembly, hop
 * ACKs (consumed here, answered here), decoding, and our own broadcasts echoed back (ignored). Sending:
 * fragmentation, hop-by-hop retransmission ({@link HopAcks}). Transport state and neighbour events go up
 * to the {@link Receiver}.
 *
 * <p>Capabilities come from each transport's profile only: nothing is sent on a medium that cannot send,
 * and hop ACKs are answered only where the medium can address the neighbour that asked.
 */
public final class LinkLayer implements Links, TransportListener {
    private static final Logger log = LoggerFactory.getLogger(LinkLayer.class);
    /** A flood of frames fills the queue: rate-limited. */
    private static final RateLimitedLog floodLog = RateLimitedLog.of(LinkLayer.class);

    /**
     * @param receiveQueue frames waiting for the receive thread; beyond it they are dropped (senders retry)
     * @param hopAckWaitMillis fixed part of the wait for a hop ACK (the link's latency and time on air are added)
     * @param maxNeighbours per link, endpoints whose liveness is remembered
     */
    public record Options(int receiveQueue, long hopAckWaitMillis, int maxNeighbours) {
        public static Options defaults() {
            return new Options(1024, 400, 10_000);
        }

        public Options withHopAckWait(long millis) {
            return new Options(receiveQueue, millis, maxNeighbours);
        }
    }

    /** The layer above: whole frames, and what happened to links and neighbours. Called on the receive thread
     * (frames) or a transport's thread (events): implementations hand slow work to a timer. */
    public interface Receiver {
        /** A decoded frame that is not our own echo; hop ACKs have been answered. */
        void onFrame(Link link, Endpoint from, MeshFrame frame, LinkQuality quality);

        void onLinkState(Link link, TransportState state);

        /** A transport reported a new neighbour on {@code link}. */
        void onNewNeighbour(Link link, Endpoint neighbour);

        /** {@code neighbour} left its unicast hops unacknowledged: its link is taken for dead. */
        void onNeighbourLost(Endpoint neighbour);
    }

    private final MeshAddress self;
    private final TransportManager transports;
    private final Options options;
    private final Clock clock;
    private final ExecutorService receiveThread;
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final AtomicInteger fragmentSets;
    private final HopAcks hopAcks;
    private volatile Receiver receiver;
    private volatile boolean running;

    /**
     * Listens to every transport of {@code transports} from now on; frames are handed to the receiver set by
     * {@link #receiveWith} once the node starts.
     *
     * @param firstFragmentSet where fragment set ids start (random, so a restarted node does not reuse them)
     */
    public LinkLayer(MeshAddress self, TransportManager transports, Options options, Clock clock,
            ScheduledExecutorService timers, ExecutorService receiveThread, int firstFragmentSet) {
        this.self = self;
        this.transports = transports;
        this.options = options;
        this.clock = clock;
        this.receiveThread = receiveThread;
        this.fragmentSets = new AtomicInteger(firstFragmentSet);
        this.hopAcks = new HopAcks(this, timers, options.hopAckWaitMillis(), this::neighbourLost);
        transports.addListener(this);
    }

    public void receiveWith(Receiver r) {
        this.receiver = r;
    }

    /** Starts every transport; frames and events flow from now on. */
    public void start() {
        if (receiver == null) throw new IllegalStateException("no receiver: call receiveWith first");
        running = true;
        transports.startAll();
    }

    /** Nothing is sent from now on (the transports stay open until {@link #close}). */
    public void stop() {
        running = false;
    }

    /** Stops sending and closes the transports. */
    public void close() {
        running = false;
        transports.close();
    }

    @Override
    public boolean running() {
        return running;
    }

    @Override
    public List<Link> all() {
        List<Link> out = new ArrayList<>();
        for (Transport t : transports.all()) out.add(link(t));
        return out;
    }

    @Override
    public Optional<Link> link(String transportId) {
        Transport t = transports.get(transportId);
        return t == null ? Optional.empty() : Optional.of(link(t));
    }

    private Link link(Transport t) {
        return links.computeIfAbsent(t.id(), id -> new Link(t, transports, options.maxNeighbours()));
    }

    @Override
    public void sendHop(byte[] encoded, List<Endpoint> candidates, TrafficOrigin origin) {
        hopAcks.send(encoded, candidates, origin);
    }

    @Override
    public boolean send(Endpoint to, byte[] encoded, TrafficOrigin origin) {
        Optional<Link> l = link(to.transportId());
        return l.isPresent() && l.get().canSend() && sendOn(l.get(), to, encoded, origin);
    }

    boolean sendOn(Link link, Endpoint to, byte[] encoded, TrafficOrigin origin) {
        return link.send(to, encoded, origin, fragmentSets.getAndIncrement());
    }

    private void neighbourLost(Endpoint neighbour) {
        log.debug("neighbour {} stopped acknowledging", neighbour);
        Receiver r = receiver;
        if (r != null) r.onNeighbourLost(neighbour);
    }

    // TransportListener: called on transport threads.

    @Override
    public void onFrame(Transport transport, Endpoint from, byte[] frame, LinkQuality quality) {
        Link link = link(transport);
        try {
            receiveThread.execute(() -> receive(link, from, frame, quality));
        } catch (RejectedExecutionException e) {
            if (receiveThread.isShutdown()) return; // closing
            link.count(DecodeError.RECEIVE_QUEUE_FULL);
            floodLog.debug("link.queue", "receive queue full: dropped a frame from {}", from);
        }
    }

    @Override
    public void onStateChanged(Transport transport, TransportState state, String reason) {
        Receiver r = receiver;
        if (r != null) r.onLinkState(link(transport), state);
    }

    @Override
    public void onNeighbour(Transport transport, Neighbour neighbour, boolean up) {
        Receiver r = receiver;
        if (up && r != null && running) r.onNewNeighbour(link(transport), neighbour.endpoint());
    }

    /** On the receive thread. */
    private void receive(Link link, Endpoint from, byte[] bytes, LinkQuality quality) {
        int mtu = link.profile().mtu();
        if (bytes.length > mtu) {
            link.drop(from, DecodeError.OVERSIZE, bytes.length + " bytes over mtu " + mtu);
            return;
        }
        hopAcks.heard(from);
        link.heard(from, clock.millis());
        byte[] whole = bytes;
        if (Fragmenter.isFragment(bytes)) {
            Decoded<Optional<byte[]>> piece = link.reassemble(from, bytes, clock.millis());
            if (piece instanceof Decoded.Error<Optional<byte[]>> e) {
                link.drop(from, e.reason(), e.detail());
                return;
            }
            if (piece.value().isEmpty()) return;
            whole = piece.value().get();
        }
        if (HopAck.is(whole)) {
            hopAcks.acknowledged(from, whole);
            return;
        }
        Decoded<MeshFrame> decoded = FrameCodec.decode(whole);
        if (decoded instanceof Decoded.Error<MeshFrame> e) {
            link.drop(from, e.reason(), e.detail());
            return;
        }
        MeshFrame frame = decoded.value();
        if (frame.source().equals(self)) return; // our own broadcast echoed back
        // Acknowledge the hop before any duplicate check: a retransmission means our last hop ACK was lost.
        if (FrameCodec.wantsHopAck(whole) && frame.hasDestination() && !from.isBroadcast() && link.canUnicast()) {
            link.sendUnfragmented(from, new HopAck(frame.source(), frame.messageId(), frame.type().code).encode());
        }
        Receiver r = receiver;
        if (r != null) r.onFrame(link, from, frame, quality);
    }
}
