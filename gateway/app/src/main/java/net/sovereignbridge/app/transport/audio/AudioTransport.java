package net.sovereignbridge.app.transport.audio;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.drivers.audiomodem.GgwaveDecoder;
import net.sovereignbridge.drivers.audiomodem.GgwaveEncoder;
import net.sovereignbridge.drivers.audiomodem.GgwaveProtocol;
import net.sovereignbridge.drivers.audiomodem.GgwaveReceiver;
import net.sovereignbridge.drivers.audiomodem.SoundCard;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import net.sovereignbridge.mesh.transport.TransportBase;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import net.sovereignbridge.mesh.transport.radio.AirtimeQueue;
import net.sovereignbridge.mesh.transport.radio.DutyCycleGovernor;
import net.sovereignbridge.mesh.transport.radio.Region;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mesh frames over sound through a sound card (docs/audio-modem.md): each link frame is one transmission of the
 * configured modem mode, prefixed with a 4-byte link header (source and destination link ids, big-endian;
 * {@code ffff} is everyone). The acoustic channel is shared by everyone in the room and slow, so it is a
 * broadcast, half-duplex, LOCAL_SLOW medium with an airtime budget (the configured share of every hour):
 * announces are booked against it and sent at the long interval. Before it plays a frame it listens: while a
 * start marker has been heard and its transmission has not ended, it waits a random 0.2-1 s and listens again.
 *
 * <p>No sound card, a busy one, an unplugged USB card: UNAVAILABLE with the reason, and the transport opens
 * it again by itself (every 2 s, doubling to 60 s); the gateway carries on meanwhile.
 */
public final class AudioTransport extends TransportBase implements AirtimeBudget {
    private static final Logger log = LoggerFactory.getLogger(AudioTransport.class);
    public static final int LINK_HEADER = 4;
    public static final int BROADCAST_ID = 0xFFFF;
    private static final int BLOCK = 480;
    private static final long MAX_LISTEN_NANOS = TimeUnit.SECONDS.toNanos(30);

    /**
     * @param device the sound card's mixer name, or part of it (`sbridge modem devices` lists them)
     * @param mode the modem mode frames are sent in (all modes are received)
     * @param volume 1-100
     * @param share of every hour the transport may play (0..1]
     */
    public record Options(String device, GgwaveProtocol mode, int volume, double share, int queueLimit,
            long neighbourTimeoutMillis) {
        public Options {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(mode, "mode");
            if (volume < 1 || volume > 100) throw new IllegalArgumentException("volume must be 1..100");
            if (!(share > 0 && share <= 1)) throw new IllegalArgumentException("share must be in (0, 1]");
        }

        public int mtu() {
            return GgwaveProtocol.MAX_PAYLOAD - LINK_HEADER;
        }
    }

    private final Options options;
    private final int linkId;
    private final DutyCycleGovernor governor;
    private final AirtimeQueue queue;
    private final AtomicLong framesHeard = new AtomicLong();
    private final AtomicLong checksFailed = new AtomicLong();
    private final AtomicLong ownEchoes = new AtomicLong();
    private final AtomicLong channelWaits = new AtomicLong();
    private volatile SoundCard card;
    private volatile boolean running;
    private volatile boolean heardBusy;
    private Thread capture;
    private Thread sender;

    public AudioTransport(String id, Options options, int linkId, Clock clock) {
        super(id, profile(id, options), clock, DEFAULT_MAX_NEIGHBOURS);
        this.options = options;
        this.linkId = linkId & 0xFFFF;
        this.governor = new DutyCycleGovernor(band(id, options), 1.0, System::nanoTime);
        this.queue = new AirtimeQueue(governor, options.queueLimit(), n -> n);
    }

    /** Time on air of a link frame of {@code frameBytes} (header included) in {@code mode}. */
    public static long airtimeNanos(int frameBytes, GgwaveProtocol mode) {
        return mode.frames(frameBytes) * GgwaveProtocol.SAMPLES_PER_FRAME * 1_000_000_000L / GgwaveProtocol.SAMPLE_RATE;
    }

    private static Region.SubBand band(String id, Options o) {
        return new Region.SubBand(id + " share of the room", 0, Long.MAX_VALUE, o.share(), 0);
    }

    private record Airtime(GgwaveProtocol mode, long hourly) implements AirtimeBudget {
        @Override
        public long airtimeNanos(int frameBytes) {
            return AudioTransport.airtimeNanos(frameBytes + LINK_HEADER, mode);
        }

        @Override
        public long hourlyBudgetNanos() {
            return hourly;
        }
    }

    private static TransportProfile profile(String id, Options o) {
        long full = airtimeNanos(GgwaveProtocol.MAX_PAYLOAD, o.mode());
        long bitrate = Math.max(1, o.mtu() * 8L * 1_000_000_000L / full);
        return TransportProfile.of(TransportKind.BROADCAST, o.mtu(), PreferenceClass.LOCAL_SLOW)
                .withBitrate(bitrate).withLatency((int) (airtimeNanos(LINK_HEADER + 20, o.mode()) / 1_000_000))
                .withCost(60).withHopAcks(false).withNeighbourTimeout(o.neighbourTimeoutMillis())
                .withAirtime(new Airtime(o.mode(), band(id, o).hourlyBudgetNanos()));
    }

    @Override
    public long airtimeNanos(int frameBytes) {
        return airtimeNanos(frameBytes + LINK_HEADER, options.mode());
    }

    @Override
    public long hourlyBudgetNanos() {
        return governor.band().hourlyBudgetNanos();
    }

    public Options options() {
        return options;
    }

    public int linkId() {
        return linkId;
    }

    @Override
    public synchronized void start(TransportListener listener) throws TransportException {
        if (running) return;
        attach(listener);
        running = true;
        setState(TransportState.STARTING, options.device());
        queue.open();
        capture = new Thread(this::captureLoop, id() + "-mic");
        capture.setDaemon(true);
        capture.start();
        sender = new Thread(this::sendLoop, id() + "-speaker");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void stop() {
        Thread c;
        Thread s;
        synchronized (this) {
            if (!running) return;
            running = false;
            c = capture;
            s = sender;
        }
        setState(TransportState.STOPPING, "");
        queue.close();
        SoundCard sc = card;
        if (sc != null) sc.close();
        for (Thread t : List.of(c, s)) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        card = null;
        setState(TransportState.STOPPED, "");
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        send(to, frame, TrafficOrigin.LOCAL);
    }

    @Override
    public void send(Endpoint to, byte[] frame, TrafficOrigin origin) throws TransportException {
        checkSend(to, frame);
        int dest;
        try {
            dest = to.isBroadcast() ? BROADCAST_ID : Integer.parseInt(to.value(), 16);
        } catch (NumberFormatException e) {
            throw new TransportException(id() + ": endpoint " + to.value() + " is no audio link id (4 hex digits)");
        }
        if (dest < 0 || dest > 0xFFFF) throw new TransportException(id() + ": endpoint " + to.value() + " is no audio link id");
        byte[] linkFrame = new byte[LINK_HEADER + frame.length];
        linkFrame[0] = (byte) (linkId >> 8);
        linkFrame[1] = (byte) linkId;
        linkFrame[2] = (byte) (dest >> 8);
        linkFrame[3] = (byte) dest;
        System.arraycopy(frame, 0, linkFrame, LINK_HEADER, frame.length);
        long airtime = airtimeNanos(linkFrame.length, options.mode());
        if (governor.neverFits(airtime, origin)) {
            throw new TransportException(String.format("%s: a %d-byte frame takes %.1f s to play, more than the share of "
                    + "the hour the transport may use", id(), frame.length, airtime / 1e9));
        }
        switch (queue.offer(new AirtimeQueue.Packet(linkFrame, origin, airtime))) {
            case QUEUED -> { }
            case FULL -> throw new TransportException(id() + ": " + origin.name().toLowerCase() + " queue full ("
                    + options.queueLimit() + " frames waiting to be played)");
            case CLOSED -> throw new TransportException(id() + ": not active (" + state() + ")");
        }
    }

    private void sendLoop() {
        try {
            AirtimeQueue.Packet next;
            while ((next = queue.take(this::expireNeighbours)) != null) {
                SoundCard sc = card;
                long giveUp = System.nanoTime() + MAX_LISTEN_NANOS;
                // listen before talk: while someone is mid-transmission (or there is no card), back off and listen
                // again; a channel busy for longer than MAX_LISTEN is noise, not a sender, and we play anyway
                while (running && (sc == null || heardBusy && System.nanoTime() < giveUp)) {
                    if (heardBusy) channelWaits.incrementAndGet();
                    TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(200, 1000));
                    sc = card;
                }
                if (!running) return;
                governor.record(next.airtimeNanos(), next.origin());
                try {
                    sc.play(GgwaveEncoder.encode(next.bytes(), options.mode(), options.volume()));
                    sent();
                } catch (RuntimeException e) {
                    sendFailed(); // the card went away mid-frame: the capture side reopens it, the mesh retries
                    log.warn("{}: playing a frame failed: {}", id(), e.toString());
                }
            }
        } catch (InterruptedException e) {
            // stopping
        }
    }

    private void captureLoop() {
        long retry = 2_000;
        float[] block = new float[BLOCK];
        while (running) {
            SoundCard sc;
            try {
                sc = SoundCard.open(options.device(), 200);
            } catch (SoundCard.SoundCardException e) {
                setState(TransportState.UNAVAILABLE, e.getMessage() + " (trying again in " + retry / 1000 + " s)");
                if (!sleep(retry)) return;
                retry = Math.min(60_000, retry * 2);
                continue;
            }
            retry = 2_000;
            card = sc;
            setState(TransportState.ACTIVE, sc.name() + ", sending " + options.mode().cliName());
            GgwaveReceiver receiver = new GgwaveReceiver();
            while (running) {
                int n = sc.record(block);
                if (n == 0) break;
                for (GgwaveDecoder.Frame f : receiver.feed(block, 0, n)) {
                    received(f);
                }
                heardBusy = receiver.busy();
            }
            card = null;
            heardBusy = false;
            sc.close();
            if (running) {
                setState(TransportState.UNAVAILABLE, sc.name() + " stopped delivering sound (unplugged?); opening it again");
                if (!sleep(retry)) return;
            }
        }
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void received(GgwaveDecoder.Frame f) {
        framesHeard.incrementAndGet();
        if (!f.checkPassed()) {
            checksFailed.incrementAndGet();
            rejected(DecodeError.MALFORMED_PAYLOAD);
            return;
        }
        byte[] p = f.payload();
        if (p.length <= LINK_HEADER) {
            rejected(DecodeError.TRUNCATED);
            return;
        }
        int src = ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
        int dst = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
        if (src == linkId) {
            ownEchoes.incrementAndGet(); // our own frame through our own microphone
            return;
        }
        if (dst != BROADCAST_ID && dst != linkId) {
            rejected();
            return;
        }
        if ((p[LINK_HEADER] & 0xFF) >> 4 != MeshFrame.VERSION) {
            rejected(DecodeError.UNKNOWN_VERSION); // a phone's ggwave text, not a mesh frame
            return;
        }
        byte[] frame = java.util.Arrays.copyOfRange(p, LINK_HEADER, p.length);
        deliver(new Endpoint(id(), String.format("%04x", src)), frame, LinkQuality.UNKNOWN);
        expireNeighbours();
    }

    @Override
    public Map<String, Object> statusFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", options.device());
        SoundCard sc = card;
        if (sc != null) m.put("card", sc.name());
        m.put("mode", options.mode().cliName());
        m.put("link-id", String.format("%04x", linkId));
        m.put("frames-heard", framesHeard.get());
        m.put("checks-failed", checksFailed.get());
        m.put("own-echoes", ownEchoes.get());
        m.put("channel-waits", channelWaits.get());
        m.put("airtime-used-ms", governor.snapshot().usedNanos() / 1_000_000);
        return m;
    }
}
