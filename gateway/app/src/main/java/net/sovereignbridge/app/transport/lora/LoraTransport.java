package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import net.sovereignbridge.drivers.sx127x.Sx127x;
import net.sovereignbridge.drivers.sx127x.Sx127xException;
import net.sovereignbridge.drivers.sx127x.TimeOnAir;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Neighbour;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LoRa transport: one SX127x radio on one channel, a broadcast, half-duplex medium.
 *
 * <p>Link frame (docs/lora-link.md): a LoRa packet of at most 255 bytes = 1 byte {@link #MAGIC} (0x51: "sbridge
 * link, version 1"), 2 bytes sender link id (big-endian), then the mesh frame. The link id lets the transport list
 * neighbours with their RSSI/SNR; packets without the magic byte (other LoRa networks on the same settings) are
 * dropped and counted. The profile's MTU is therefore 252; the mesh fragments larger messages to that.
 *
 * <p>Sending: frames wait in two bounded queues (local first, then internet). One radio thread takes the next
 * frame whose airtime the {@link DutyCycleGovernor} allows - a frame beyond the budget waits, it never goes on air -
 * listens before talking (CAD; random backoff when busy), records the airtime and transmits.
 */
public final class LoraTransport implements Transport, AirtimeBudget {
    private static final Logger log = LoggerFactory.getLogger(LoraTransport.class);

    public static final int MAGIC = 0x51;
    public static final int HEADER_BYTES = 3;
    public static final int LORA_MAX_PAYLOAD = 255;
    public static final int MTU = LORA_MAX_PAYLOAD - HEADER_BYTES;

    /** Air time and waiting; production uses the system clock, tests the simulated air's. */
    public interface TimeSource {
        long nanoTime();

        /** Wall-clock nanoseconds that correspond to {@code nanos} of this source's time. */
        default long wallNanos(long nanos) {
            return nanos;
        }

        TimeSource SYSTEM = System::nanoTime;
    }

    /**
     * @param queueLimit frames waiting per origin before send() refuses more
     * @param internetShare share of the airtime budget internet traffic may use
     * @param maxCadAttempts busy-channel CAD results in a row before the frame is sent regardless (LBT must not
     *     starve a node beside a chatty neighbour for ever; the duty cycle still holds)
     * @param neighbourTimeoutNanos a neighbour not heard for this long is reported gone
     */
    public record Options(int queueLimit, double internetShare, boolean listenBeforeTalk, int maxCadAttempts,
                          long neighbourTimeoutNanos, long randomSeed) {
        public static Options defaults() {
            return new Options(64, 0.25, true, 8, TimeUnit.MINUTES.toNanos(60), System.nanoTime());
        }

        public Options withListenBeforeTalk(boolean v) {
            return new Options(queueLimit, internetShare, v, maxCadAttempts, neighbourTimeoutNanos, randomSeed);
        }

        public Options withInternetShare(double v) {
            return new Options(queueLimit, v, listenBeforeTalk, maxCadAttempts, neighbourTimeoutNanos, randomSeed);
        }

        public Options withRandomSeed(long v) {
            return new Options(queueLimit, internetShare, listenBeforeTalk, maxCadAttempts, neighbourTimeoutNanos, v);
        }
    }

    private record Pending(byte[] packet, TrafficOrigin origin, long airtimeNanos) {}

    private final String id;
    private final Sx127x radio;
    private final LoRaSettings settings;
    private final DutyCycleGovernor governor;
    private final TimeSource time;
    private final Options options;
    private final int linkId;
    private final TransportProfile profile;
    private final Random random;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> localQueue = new ArrayDeque<>();
    private final ArrayDeque<Pending> internetQueue = new ArrayDeque<>();
    private final Map<Integer, Neighbour> neighbours = new HashMap<>();
    private final Map<Integer, Long> neighbourHeardAt = new HashMap<>();
    private volatile TransportState state = TransportState.STOPPED;
    private volatile TransportListener listener;
    private Thread worker;

    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong foreignPackets = new AtomicLong();
    private final AtomicLong channelBusy = new AtomicLong();
    private final AtomicLong budgetWaits = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();

    /**
     * @param linkId this node's 16-bit link id (e.g. the first two bytes of its mesh address)
     */
    public LoraTransport(String id, Sx127x radio, LoRaSettings settings, Region.SubBand subBand, int linkId,
                         Options options, TimeSource time) {
        this.id = Objects.requireNonNull(id, "id");
        this.radio = Objects.requireNonNull(radio, "radio");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.time = Objects.requireNonNull(time, "time");
        this.options = Objects.requireNonNull(options, "options");
        if (linkId < 0 || linkId > 0xFFFF) throw new IllegalArgumentException("linkId must be 16 bits");
        this.linkId = linkId;
        this.governor = new DutyCycleGovernor(subBand, options.internetShare(), time::nanoTime);
        this.random = new Random(options.randomSeed());
        long fullFrame = TimeOnAir.nanos(settings, LORA_MAX_PAYLOAD);
        long bitrate = Math.max(1, (long) (MTU * 8 / (fullFrame / 1e9)));
        int latencyMs = (int) TimeUnit.NANOSECONDS.toMillis(TimeOnAir.nanos(settings, HEADER_BYTES + 32));
        // Only a regulated sub-band makes airtime the scarce resource routing must budget for.
        this.profile = TransportProfile.of(TransportKind.BROADCAST, MTU, PreferenceClass.LOCAL_RADIO).withBitrate(bitrate)
                .withLatency(latencyMs).withCost(50)
                .withNeighbourTimeout(TimeUnit.NANOSECONDS.toMillis(options.neighbourTimeoutNanos()))
                .withAirtime(subBand.regulated() ? this : null);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    @Override
    public TransportState state() {
        return state;
    }

    public int linkId() {
        return linkId;
    }

    @Override
    public void start(TransportListener transportListener) throws TransportException {
        this.listener = Objects.requireNonNull(transportListener, "listener");
        setState(TransportState.STARTING, "configuring the radio");
        try {
            radio.configure(settings);
            radio.startReceiving(this::onPacket);
        } catch (Sx127xException | RuntimeException e) {
            setState(TransportState.FAILED, e.getMessage());
            throw new TransportException(id + ": radio did not start: " + e.getMessage(), e);
        }
        lock.lock();
        try {
            worker = new Thread(this::sendLoop, id + "-tx");
            worker.setDaemon(true);
            state = TransportState.ACTIVE;
            worker.start();
        } finally {
            lock.unlock();
        }
        setState(TransportState.ACTIVE, String.format("%.3f MHz SF%d %s, %s", settings.frequencyHz() / 1e6,
                settings.spreadingFactor(), settings.bandwidth(), governor.band().name()));
    }

    @Override
    public void stop() {
        Thread t;
        lock.lock();
        try {
            if (state == TransportState.STOPPED) return;
            state = TransportState.STOPPING;
            t = worker;
            worker = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            radio.sleep();
        } catch (Sx127xException e) {
            log.debug("{}: radio sleep on stop failed: {}", id, e.getMessage());
        }
        setState(TransportState.STOPPED, "stopped");
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        send(to, frame, TrafficOrigin.LOCAL);
    }

    /** Time on air of a mesh frame of this size with our link header, at the configured modem settings. */
    @Override
    public long airtimeNanos(int frameBytes) {
        return TimeOnAir.nanos(settings, frameBytes + HEADER_BYTES);
    }

    /** The sub-band's duty-cycle budget per rolling hour (Long.MAX_VALUE where none applies). */
    @Override
    public long hourlyBudgetNanos() {
        return governor.band().hourlyBudgetNanos();
    }

    /**
     * Queues a frame, naming where it came from: frames that entered the mesh from outside (the internet overlay,
     * CoAP and MQTT devices) wait in their own queue and count against the internet share of the airtime.
     */
    @Override
    public void send(Endpoint to, byte[] frame, TrafficOrigin origin) throws TransportException {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(frame, "frame");
        if (!to.transportId().equals(id)) throw new TransportException(id + ": endpoint " + to + " is not ours");
        if (frame.length == 0 || frame.length > MTU) {
            throw new TransportException(id + ": frame of " + frame.length + " bytes (MTU " + MTU + ")");
        }
        byte[] packet = new byte[frame.length + HEADER_BYTES];
        packet[0] = (byte) MAGIC;
        packet[1] = (byte) (linkId >> 8);
        packet[2] = (byte) linkId;
        System.arraycopy(frame, 0, packet, HEADER_BYTES, frame.length);
        long airtime = TimeOnAir.nanos(settings, packet.length);
        if (governor.neverFits(airtime, origin)) {
            throw new TransportException(String.format("%s: a %d-byte frame takes %.0f ms, more than the hourly "
                    + "airtime budget allows (%s)", id, frame.length, airtime / 1e6, governor.band().name()));
        }
        lock.lock();
        try {
            if (!state.canSend()) throw new TransportException(id + ": not active (" + state + ")");
            ArrayDeque<Pending> q = origin.capped() ? internetQueue : localQueue;
            if (q.size() >= options.queueLimit()) {
                throw new TransportException(id + ": " + origin.name().toLowerCase() + " queue full ("
                        + options.queueLimit() + " frames waiting for airtime)");
            }
            q.addLast(new Pending(packet, origin, airtime));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- sending

    private void sendLoop() {
        while (true) {
            Pending next;
            lock.lock();
            try {
                next = null;
                while (next == null) {
                    if (state != TransportState.ACTIVE) return;
                    long wait = Long.MAX_VALUE;
                    for (ArrayDeque<Pending> q : List.of(localQueue, internetQueue)) {
                        Pending head = q.peekFirst();
                        if (head == null) continue;
                        long d = governor.delayNanos(head.airtimeNanos(), head.origin());
                        if (d == 0) {
                            next = q.pollFirst();
                            break;
                        }
                        wait = Math.min(wait, d);
                    }
                    if (next == null) {
                        if (wait != Long.MAX_VALUE) budgetWaits.incrementAndGet();
                        long wallWait = wait == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1)
                                : Math.max(100_000, Math.min(TimeUnit.SECONDS.toNanos(1), time.wallNanos(wait)));
                        changed.awaitNanos(wallWait);
                        expireNeighbours();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            transmit(next);
        }
    }

    private void transmit(Pending p) {
        try {
            if (options.listenBeforeTalk()) listenBeforeTalk(p.airtimeNanos());
            governor.record(p.airtimeNanos(), p.origin()); // counted before keying: conservative
            radio.transmit(p.packet());
            framesSent.incrementAndGet();
        } catch (Sx127xException e) {
            sendFailures.incrementAndGet();
            log.warn("{}: transmission failed: {}", id, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * CAD before every transmission; when a preamble is heard, wait a random number of slots (binary exponential
     * backoff) and listen again. A slot is a quarter of a full-size packet's airtime: CAD hears preambles, so a
     * detection means a packet has just begun, and the first retry comes after its header and a good part of its
     * payload; short packets are over by then.
     */
    private void listenBeforeTalk(long airtimeNanos) throws Sx127xException, InterruptedException {
        long slot = TimeOnAir.nanos(settings, LORA_MAX_PAYLOAD) / 4;
        for (int attempt = 0; attempt < options.maxCadAttempts(); attempt++) {
            if (!radio.channelActivityDetected()) return;
            channelBusy.incrementAndGet();
            int slots = 1 + random.nextInt(1 << Math.min(attempt + 1, 5));
            long wall = time.wallNanos(slots * slot);
            TimeUnit.NANOSECONDS.sleep(wall);
        }
        log.debug("{}: channel still busy after {} CAD attempts, sending anyway", id, options.maxCadAttempts());
    }

    // ---------------------------------------------------------------------------------------------- receiving

    private void onPacket(ReceivedPacket packet) {
        byte[] p = packet.payload();
        if (p.length <= HEADER_BYTES || (p[0] & 0xFF) != MAGIC) {
            foreignPackets.incrementAndGet();
            log.debug("{}: foreign LoRa packet of {} bytes dropped (rssi {} dBm)", id, p.length, packet.rssiDbm());
            return;
        }
        int sender = ((p[1] & 0xFF) << 8) | (p[2] & 0xFF);
        if (sender == linkId) return; // our own link id: a clash or a reflection, not a neighbour
        byte[] frame = new byte[p.length - HEADER_BYTES];
        System.arraycopy(p, HEADER_BYTES, frame, 0, frame.length);
        framesReceived.incrementAndGet();
        Endpoint from = new Endpoint(id, String.format("%04x", sender));
        LinkQuality quality = new LinkQuality(packet.rssiDbm(), packet.snrDb(), -1, 0.0);
        Neighbour n = new Neighbour(from, quality, Instant.now());
        boolean isNew;
        lock.lock();
        try {
            isNew = neighbours.put(sender, n) == null;
            neighbourHeardAt.put(sender, time.nanoTime());
        } finally {
            lock.unlock();
        }
        TransportListener l = listener;
        if (l == null) return;
        if (isNew) l.onNeighbour(this, n, true);
        l.onFrame(this, from, frame, quality);
    }

    private void expireNeighbours() {
        long now = time.nanoTime();
        List<Neighbour> gone = new ArrayList<>();
        neighbourHeardAt.entrySet().removeIf(e -> {
            if (now - e.getValue() < options.neighbourTimeoutNanos()) return false;
            gone.add(neighbours.remove(e.getKey()));
            return true;
        });
        TransportListener l = listener;
        if (l != null) for (Neighbour n : gone) l.onNeighbour(this, n, false);
    }

    @Override
    public List<Neighbour> neighbours() {
        lock.lock();
        try {
            return List.copyOf(neighbours.values());
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- status

    /** Airtime, budget and counters for the status output. */
    public record Status(String id, TransportState state, DutyCycleGovernor.Snapshot airtime, int localQueued,
                         int internetQueued, long framesSent, long framesReceived, long foreignPackets,
                         long channelBusy, long budgetWaits, long sendFailures, Sx127x.Statistics radio) {
        /** The figures as a map for the daemon's JSON status (airtime in milliseconds, -1 = unlimited). */
        public java.util.Map<String, Object> toMap() {
            DutyCycleGovernor.Snapshot a = airtime;
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("subBand", a.subBand());
            m.put("dutyCycle", a.dutyCycle());
            m.put("airtimeLastHourMs", a.usedNanos() / 1_000_000L);
            m.put("budgetMs", a.budgetNanos() < 0 ? -1L : a.budgetNanos() / 1_000_000L);
            m.put("internetAirtimeLastHourMs", a.internetUsedNanos() / 1_000_000L);
            m.put("internetBudgetMs", a.internetBudgetNanos() / 1_000_000L);
            m.put("queuedLocal", (long) localQueued);
            m.put("queuedInternet", (long) internetQueued);
            m.put("channelBusy", channelBusy);
            m.put("budgetWaits", budgetWaits);
            m.put("foreignPackets", foreignPackets);
            m.put("crcErrors", radio.crcErrors());
            m.put("missedEdgeRecoveries", radio.missedEdgeRecoveries());
            m.put("receiverRestarts", radio.receiverRestarts());
            m.put("rxOverruns", radio.rxOverruns());
            return m;
        }
    }

    /** Airtime of the last hour against the budget, queues and radio counters ({@link Status#toMap()}). */
    @Override
    public java.util.Map<String, Object> statusFields() {
        return status().toMap();
    }

    public Status status() {
        int lq, iq;
        lock.lock();
        try {
            lq = localQueue.size();
            iq = internetQueue.size();
        } finally {
            lock.unlock();
        }
        return new Status(id, state, governor.snapshot(), lq, iq, framesSent.get(), framesReceived.get(),
                foreignPackets.get(), channelBusy.get(), budgetWaits.get(), sendFailures.get(), radio.statistics());
    }

    private void setState(TransportState s, String reason) {
        state = s;
        TransportListener l = listener;
        if (l != null) l.onStateChanged(this, s, reason);
    }
}
