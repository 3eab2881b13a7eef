package net.sovereignbridge.app.transport.lora;

import java.time.Clock;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import net.sovereignbridge.drivers.sx127x.Sx127x;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.transport.AirtimeBudget;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.MillisClock;
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
import net.sovereignbridge.mesh.transport.radio.ListenBeforeTalk;
import net.sovereignbridge.mesh.transport.radio.Region;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LoRa transport: one radio ({@link LoraRadio}: an SX127x or an SX126x) on one channel, a broadcast,
 * half-duplex medium.
 *
 * <p>Link frame ({@link LoraLinkFrame}, docs/lora-link.md): a LoRa packet of at most 255 bytes = 1 byte {@link #MAGIC}
 * (0x51: "sbridge link, version 1"), 2 bytes sender link id (big-endian), then the mesh frame. The link id lets the transport list
 * neighbours with their RSSI/SNR; packets without the magic byte (other LoRa networks on the same settings) are
 * dropped and counted. The profile's MTU is therefore 252; the mesh fragments larger messages to that.
 *
 * <p>Sending: frames wait in the two bounded queues of an {@link AirtimeQueue} (local first, then internet). One
 * radio thread takes the next frame whose airtime the {@link DutyCycleGovernor} allows - a frame beyond the budget
 * waits, it never goes on air - listens before talking ({@link ListenBeforeTalk} over CAD), records the airtime and
 * transmits. State, delivery and the neighbour table (on the air's clock) come from {@link TransportBase}.
 */
public final class LoraTransport extends TransportBase implements AirtimeBudget {
    private static final Logger log = LoggerFactory.getLogger(LoraTransport.class);

    public static final int MAGIC = LoraLinkFrame.MAGIC;
    public static final int HEADER_BYTES = LoraLinkFrame.HEADER_BYTES;
    public static final int LORA_MAX_PAYLOAD = LoraLinkFrame.MAX_PACKET;
    public static final int MTU = LoraLinkFrame.MAX_FRAME;
    /** Every 16-bit link id: the table can hold no more than the air can name. */
    private static final int MAX_NEIGHBOURS = 1 << 16;

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

    private final LoraRadio radio;
    private final Airtime airtime;
    private final DutyCycleGovernor governor;
    private final AirtimeQueue queue;
    private final ListenBeforeTalk lbt;
    private final Options options;
    private final int linkId;

    private final ReentrantLock lifecycle = new ReentrantLock();
    private Thread worker;

    /**
     * @param linkId this node's 16-bit link id (e.g. the first two bytes of its mesh address)
     */
    public LoraTransport(String id, LoraRadio radio, Region.SubBand subBand, int linkId, Options options,
                         TimeSource time) {
        super(id, profile(Objects.requireNonNull(radio, "radio"), subBand, Objects.requireNonNull(options, "options")),
                airClock(Objects.requireNonNull(time, "time")), MAX_NEIGHBOURS);
        this.radio = radio;
        this.options = options;
        if (linkId < 0 || linkId > 0xFFFF) throw new IllegalArgumentException("linkId must be 16 bits");
        this.linkId = linkId;
        this.airtime = new Airtime(radio, subBand);
        this.governor = new DutyCycleGovernor(subBand, options.internetShare(), time::nanoTime);
        this.queue = new AirtimeQueue(governor, options.queueLimit(), time::wallNanos);
        this.lbt = new ListenBeforeTalk(radio.timeOnAirNanos(LORA_MAX_PAYLOAD) / 4, options.maxCadAttempts(),
                new Random(options.randomSeed()), time::wallNanos);
    }

    /** An SX127x with its settings (the form the SX127x tests and the benchmark build). */
    public LoraTransport(String id, Sx127x radio, LoRaSettings settings, Region.SubBand subBand, int linkId,
                         Options options, TimeSource time) {
        this(id, new Sx127xRadio(radio, settings), subBand, linkId, options, time);
    }

    /** Time on air of mesh frames with our link header, against the sub-band's hourly duty-cycle budget. */
    private record Airtime(LoraRadio radio, Region.SubBand band) implements AirtimeBudget {
        @Override
        public long airtimeNanos(int frameBytes) {
            return radio.timeOnAirNanos(frameBytes + HEADER_BYTES);
        }

        @Override
        public long hourlyBudgetNanos() {
            return band.hourlyBudgetNanos();
        }
    }

    private static TransportProfile profile(LoraRadio radio, Region.SubBand subBand, Options options) {
        long fullFrame = radio.timeOnAirNanos(LORA_MAX_PAYLOAD);
        long bitrate = Math.max(1, (long) (MTU * 8 / (fullFrame / 1e9)));
        int latencyMs = (int) TimeUnit.NANOSECONDS.toMillis(radio.timeOnAirNanos(HEADER_BYTES + 32));
        // Only a regulated sub-band makes airtime the scarce resource routing must budget for.
        return TransportProfile.of(TransportKind.BROADCAST, MTU, PreferenceClass.LOCAL_RADIO).withBitrate(bitrate)
                .withLatency(latencyMs).withCost(50)
                .withNeighbourTimeout(TimeUnit.NANOSECONDS.toMillis(options.neighbourTimeoutNanos()))
                .withAirtime(subBand.regulated() ? new Airtime(radio, subBand) : null);
    }

    /**
     * The air's time as a clock for the neighbour table: wall time at construction plus the air time elapsed
     * since (a monotonic wall clock in production; the emulated air's faster time in tests).
     */
    private static Clock airClock(TimeSource time) {
        long originNanos = time.nanoTime();
        long originMillis = System.currentTimeMillis();
        return new MillisClock(() -> originMillis + TimeUnit.NANOSECONDS.toMillis(time.nanoTime() - originNanos));
    }

    /** The chip behind this transport. */
    public LoraRadio radio() {
        return radio;
    }

    public int linkId() {
        return linkId;
    }

    @Override
    public void start(TransportListener transportListener) throws TransportException {
        attach(transportListener);
        setState(TransportState.STARTING, "configuring the radio");
        try {
            radio.configure();
            radio.startReceiving(this::onPacket);
        } catch (LoraRadio.Failure | RuntimeException e) {
            setState(TransportState.FAILED, e.getMessage());
            throw new TransportException(id() + ": radio did not start: " + e.getMessage(), e);
        }
        lifecycle.lock();
        try {
            worker = new Thread(this::sendLoop, id() + "-tx");
            worker.setDaemon(true);
            queue.open();
            worker.start();
        } finally {
            lifecycle.unlock();
        }
        setState(TransportState.ACTIVE, radio.modulation() + ", " + governor.band().name());
    }

    @Override
    public void stop() {
        Thread t;
        lifecycle.lock();
        try {
            if (state() == TransportState.STOPPED) return;
            setState(TransportState.STOPPING, "");
            queue.close();
            t = worker;
            worker = null;
        } finally {
            lifecycle.unlock();
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
        } catch (LoraRadio.Failure e) {
            log.debug("{}: radio sleep on stop failed: {}", id(), e.getMessage());
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
        return airtime.airtimeNanos(frameBytes);
    }

    /** The sub-band's duty-cycle budget per rolling hour (Long.MAX_VALUE where none applies). */
    @Override
    public long hourlyBudgetNanos() {
        return airtime.hourlyBudgetNanos();
    }

    /**
     * Queues a frame, naming where it came from: frames that entered the mesh from outside (the internet overlay,
     * CoAP and MQTT devices) wait in their own queue and count against the internet share of the airtime.
     */
    @Override
    public void send(Endpoint to, byte[] frame, TrafficOrigin origin) throws TransportException {
        checkSend(to, frame);
        byte[] packet = new LoraLinkFrame(linkId, frame).encode();
        long airtime = radio.timeOnAirNanos(packet.length);
        if (governor.neverFits(airtime, origin)) {
            throw new TransportException(String.format("%s: a %d-byte frame takes %.0f ms, more than the hourly "
                    + "airtime budget allows (%s)", id(), frame.length, airtime / 1e6, governor.band().name()));
        }
        switch (queue.offer(new AirtimeQueue.Packet(packet, origin, airtime))) {
            case QUEUED -> { }
            case FULL -> throw new TransportException(id() + ": " + origin.name().toLowerCase() + " queue full ("
                    + options.queueLimit() + " frames waiting for airtime)");
            case CLOSED -> throw new TransportException(id() + ": not active (" + state() + ")");
        }
    }

    // ---------------------------------------------------------------------------------------------- sending

    private void sendLoop() {
        try {
            AirtimeQueue.Packet next;
            while ((next = queue.take(this::expireNeighbours)) != null) transmit(next);
        } catch (InterruptedException e) {
            // stopping
        }
    }

    private void transmit(AirtimeQueue.Packet p) {
        try {
            if (options.listenBeforeTalk() && !lbt.awaitClear(radio::channelActivityDetected)) {
                log.debug("{}: channel still busy after {} CAD attempts, sending anyway", id(), lbt.maxAttempts());
            }
            governor.record(p.airtimeNanos(), p.origin()); // counted before keying: conservative
            radio.transmit(p.bytes());
            sent();
        } catch (LoraRadio.Failure e) {
            sendFailed();
            log.warn("{}: transmission failed: {}", id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------- receiving

    private void onPacket(ReceivedPacket packet) {
        Decoded<LoraLinkFrame> decoded = LoraLinkFrame.decode(packet.payload());
        if (decoded instanceof Decoded.Error<LoraLinkFrame> e) {
            rejected();
            log.debug("{}: foreign LoRa packet dropped (rssi {} dBm): {}", id(), packet.rssiDbm(), e.detail());
            return;
        }
        LoraLinkFrame f = decoded.value();
        if (f.senderLinkId() == linkId) return; // our own link id: a clash or a reflection, not a neighbour
        deliver(new Endpoint(id(), f.senderHex()), f.frame(),
                new LinkQuality(packet.rssiDbm(), packet.snrDb(), -1, 0.0));
    }

    // ---------------------------------------------------------------------------------------------- status

    /** Airtime, budget and counters for the status output. */
    public record Status(String id, TransportState state, DutyCycleGovernor.Snapshot airtime, int localQueued,
                         int internetQueued, long framesSent, long framesReceived, long foreignPackets,
                         long channelBusy, long budgetWaits, long sendFailures, java.util.Map<String, Long> radio) {
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
            m.putAll(radio);
            return m;
        }
    }

    /** The chip, airtime of the last hour against the budget, queues and radio counters ({@link Status#toMap()}). */
    @Override
    public java.util.Map<String, Object> statusFields() {
        java.util.Map<String, Object> m = status().toMap();
        m.put("chip", radio.chip());
        String problem = radio.problem();
        if (!problem.isEmpty()) m.put("problem", problem);
        return m;
    }

    public Status status() {
        int[] queued = queue.sizes();
        Counters c = counters();
        return new Status(id(), state(), governor.snapshot(), queued[0], queued[1], c.framesSent(), c.framesReceived(),
                c.rejected(), lbt.busyCount(), queue.budgetWaits(), c.sendFailures(), radio.counters());
    }
}
