package net.sovereignbridge.app.transport.kiss;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.kiss.Ax25Exception;
import net.sovereignbridge.drivers.kiss.Ax25UiFrame;
import net.sovereignbridge.drivers.kiss.Callsign;
import net.sovereignbridge.drivers.kiss.Kiss;
import net.sovereignbridge.drivers.kiss.KissDecoder;
import net.sovereignbridge.drivers.kiss.KissFrame;
import net.sovereignbridge.drivers.kiss.KissPort;
import net.sovereignbridge.drivers.kiss.SerialPortException;
import net.sovereignbridge.drivers.kiss.SerialPortOpener;
import net.sovereignbridge.drivers.kiss.TncParameters;
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
 * A KISS TNC on a serial port (a hardware TNC, direwolf, a radio with KISS built in): each link frame is the
 * information field of one AX.25 UI frame (PID 0xF0) from this station's callsign, carried in one KISS data frame.
 * A broadcast goes to the group address {@link #GROUP}; a frame for one neighbour goes to its callsign. The sender's
 * callsign ("N0CALL-7") is the endpoint the node knows it by. Received frames that are not UI, not PID 0xF0, not
 * for us or the group, our own (an echo through a digipeater) or without the mesh version nibble are refused and
 * counted, not delivered. The port reopens a vanished device by itself; while it is away the transport is FAILED
 * with the port's reason, and ACTIVE again (TNC parameters sent again) when it is back. Layout: docs/serial.md.
 *
 * <p>Sending is paced by airtime: a frame's time on air is TXDELAY + TXTAIL + its HDLC bits (flags, FCS, worst-case
 * bit stuffing) at the configured air bit rate. Frames wait in the two-origin {@link AirtimeQueue} under a {@link
 * DutyCycleGovernor} (the configured duty cycle, 100 % unless set), and one thread hands the next one to the TNC only
 * after the previous one had its time on air, so a 1200 bit/s channel is never given more than it can carry and the
 * backlog stays in our bounded queues, not in the TNC's buffer.
 */
public final class KissTransport extends TransportBase implements AirtimeBudget {
    private static final Logger log = LoggerFactory.getLogger(KissTransport.class);
    /** The AX.25 destination of broadcasts: a group name every Sovereign Bridge station accepts. */
    public static final Callsign GROUP = new Callsign("SBRDG", 0);
    /** AX.25's default maximum information field (N1 = 256 bytes); every TNC accepts it. */
    public static final int MAX_MTU = 256;

    /**
     * @param device serial device (/dev/ttyUSB0, a /dev/serial/by-id/ link, a pty)
     * @param speed serial line speed in baud (host to TNC, not the air)
     * @param callsign this station's AX.25 source address
     * @param kissPort TNC port (0..15) for multi-port TNCs
     * @param airBitrate bits per second on air (1200 for AFSK, 9600 for G3RUH), the profile's rate
     * @param mtu largest link frame, at most {@link #MAX_MTU}
     * @param tnc TNC parameters sent on every (re)open
     * @param dutyCycle share of any hour this station may transmit (1.0: no limit beyond the channel's rate)
     * @param queueLimit frames waiting per origin before send() refuses more
     */
    public record Options(String device, int speed, Callsign callsign, int kissPort, long airBitrate, int mtu,
            TncParameters tnc, long neighbourTimeoutMillis, double dutyCycle, int queueLimit) {
        public Options {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(callsign, "callsign");
            Objects.requireNonNull(tnc, "tnc");
            if (kissPort < 0 || kissPort > 15) throw new IllegalArgumentException("kiss port must be 0..15");
            if (mtu < 32 || mtu > MAX_MTU) throw new IllegalArgumentException("mtu must be 32.." + MAX_MTU);
            if (airBitrate <= 0) throw new IllegalArgumentException("air bit rate must be positive");
            if (!(dutyCycle > 0 && dutyCycle <= 1)) throw new IllegalArgumentException("duty cycle must be in (0, 1]");
            if (queueLimit <= 0) throw new IllegalArgumentException("queue limit must be positive");
        }

        /** Without a duty-cycle limit, 64 frames per origin queue. */
        public Options(String device, int speed, Callsign callsign, int kissPort, long airBitrate, int mtu,
                       TncParameters tnc, long neighbourTimeoutMillis) {
            this(device, speed, callsign, kissPort, airBitrate, mtu, tnc, neighbourTimeoutMillis, 1.0, 64);
        }
    }

    /** HDLC around an AX.25 frame: opening and closing flag and the 16-bit FCS. */
    private static final int HDLC_OVERHEAD_BYTES = 4;

    /**
     * Time on air of an AX.25 frame of {@code ax25Bytes} (addresses, control, PID, information): the TNC keys up for
     * TXDELAY, sends flags, frame and FCS with at worst one stuffed bit per five (6/5), then holds for TXTAIL.
     */
    public static long airtimeNanos(int ax25Bytes, long airBitrate, TncParameters tnc) {
        long bits = (ax25Bytes + HDLC_OVERHEAD_BYTES) * 8L * 6 / 5;
        long keyed = (tnc.txDelay() + tnc.txTail()) * 10_000_000L;
        return keyed + (bits * 1_000_000_000L + airBitrate - 1) / airBitrate;
    }

    /** The configured duty cycle as a "sub-band" of the governor (no frequency: a TNC's channel is its own). */
    private static Region.SubBand band(String id, Options o) {
        return new Region.SubBand(id + " duty cycle", 0, Long.MAX_VALUE, o.dutyCycle(), 0);
    }

    private final Options options;
    private final SerialPortOpener opener;
    private final DutyCycleGovernor governor;
    private final AirtimeQueue queue;
    private volatile KissPort port;
    private Thread worker;

    public KissTransport(String id, Options options, SerialPortOpener opener, Clock clock) {
        super(id, profile(id, options), clock, DEFAULT_MAX_NEIGHBOURS);
        this.options = options;
        this.opener = Objects.requireNonNull(opener, "opener");
        this.governor = new DutyCycleGovernor(band(id, options), 1.0, System::nanoTime);
        this.queue = new AirtimeQueue(governor, options.queueLimit(), n -> n);
    }

    /** Time on air of link frames in UI frames, against the configured duty cycle. */
    private record Airtime(Options o, Region.SubBand band) implements AirtimeBudget {
        @Override
        public long airtimeNanos(int frameBytes) {
            return KissTransport.airtimeNanos(frameBytes + Ax25UiFrame.HEADER_BYTES, o.airBitrate(), o.tnc());
        }

        @Override
        public long hourlyBudgetNanos() {
            return band.hourlyBudgetNanos();
        }
    }

    private static TransportProfile profile(String id, Options o) {
        // one AX.25 header (16 bytes) plus KISS and HDLC overhead on a half-duplex channel, keyed for txdelay
        int frameBits = (o.mtu() + Ax25UiFrame.HEADER_BYTES + 4) * 8;
        int latencyMs = (int) (o.tnc().txDelay() * 10L + 1000L * (Ax25UiFrame.HEADER_BYTES + 36) * 8 / o.airBitrate());
        Region.SubBand band = band(id, o);
        // only a duty-cycle limit makes airtime the budget routing and announcing must plan for
        return TransportProfile.of(TransportKind.BROADCAST, o.mtu(), PreferenceClass.LOCAL_SLOW)
                .withBitrate(Math.max(1, o.airBitrate() * o.mtu() * 8 / frameBits)).withLatency(latencyMs)
                .withCost(50).withHopAcks(false).withNeighbourTimeout(o.neighbourTimeoutMillis())
                .withAirtime(band.regulated() ? new Airtime(o, band) : null);
    }

    @Override
    public long airtimeNanos(int frameBytes) {
        return new Airtime(options, governor.band()).airtimeNanos(frameBytes);
    }

    @Override
    public long hourlyBudgetNanos() {
        return governor.band().hourlyBudgetNanos();
    }

    public Options options() {
        return options;
    }

    @Override
    public synchronized void start(TransportListener listener) throws TransportException {
        if (port != null) return;
        attach(listener);
        setState(TransportState.STARTING, options.device());
        KissPort p = new KissPort(opener, new KissPort.Options(options.device(), options.speed(),
                MAX_MTU + Ax25UiFrame.HEADER_BYTES + 8 * 7 + 1, 100, 5_000), new PortListener());
        port = p; // before open: its first onConnected sends the TNC parameters through it
        try {
            p.open();
        } catch (SerialPortException e) {
            port = null;
            setState(TransportState.FAILED, e.getMessage());
            throw new TransportException(id() + ": " + e.getMessage(), e);
        }
        queue.open();
        worker = new Thread(this::sendLoop, id() + "-tx");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public void stop() {
        KissPort p;
        Thread t;
        synchronized (this) {
            p = port;
            port = null;
            t = worker;
            worker = null;
        }
        if (p == null) return;
        setState(TransportState.STOPPING, "");
        queue.close();
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        p.close();
        setState(TransportState.STOPPED, "");
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        send(to, frame, TrafficOrigin.LOCAL);
    }

    /** Queues the frame for the TNC; frames from the internet wait in their own queue. */
    @Override
    public void send(Endpoint to, byte[] frame, TrafficOrigin origin) throws TransportException {
        checkSend(to, frame);
        Callsign dest;
        try {
            dest = to.isBroadcast() ? GROUP : Callsign.parse(to.value());
        } catch (IllegalArgumentException e) {
            throw new TransportException(id() + ": endpoint " + to.value() + " is no callsign: " + e.getMessage());
        }
        KissPort p = port;
        if (p == null) throw new TransportException(id() + ": not active");
        byte[] ax25 = Ax25UiFrame.of(dest, options.callsign(), frame).encode();
        long airtime = airtimeNanos(ax25.length, options.airBitrate(), options.tnc());
        if (governor.neverFits(airtime, origin)) {
            throw new TransportException(String.format("%s: a %d-byte frame takes %.0f ms on air, more than the hourly "
                    + "budget of the %s %% duty cycle allows", id(), frame.length, airtime / 1e6,
                    java.math.BigDecimal.valueOf(options.dutyCycle() * 100).stripTrailingZeros().toPlainString()));
        }
        switch (queue.offer(new AirtimeQueue.Packet(Kiss.data(options.kissPort(), ax25), origin, airtime))) {
            case QUEUED -> { }
            case FULL -> throw new TransportException(id() + ": " + origin.name().toLowerCase() + " queue full ("
                    + options.queueLimit() + " frames waiting for airtime)");
            case CLOSED -> throw new TransportException(id() + ": not active (" + state() + ")");
        }
    }

    private void sendLoop() {
        try {
            AirtimeQueue.Packet next;
            while ((next = queue.take(this::expireNeighbours)) != null) {
                KissPort p = port;
                if (p == null) return;
                governor.record(next.airtimeNanos(), next.origin()); // counted before keying: conservative
                try {
                    p.write(next.bytes());
                    sent();
                } catch (IOException e) {
                    sendFailed(); // the device is away; the mesh retries what needs it
                    log.debug("{}: frame not handed to the TNC: {}", id(), e.getMessage());
                    continue;
                }
                // the TNC sends it at the air rate: hand over the next one when this one has had its airtime
                TimeUnit.NANOSECONDS.sleep(next.airtimeNanos());
            }
        } catch (InterruptedException e) {
            // stopping
        }
    }

    private void received(KissFrame k) {
        if (!k.isData() || k.port() != options.kissPort()) {
            rejected(); // a TNC's own reply or another port's traffic: not for the mesh
            return;
        }
        Ax25UiFrame ui;
        try {
            ui = Ax25UiFrame.decode(k.data());
        } catch (Ax25Exception e) {
            rejected(DecodeError.MALFORMED_PAYLOAD);
            return;
        }
        byte[] info = ui.info();
        boolean forUs = ui.destination().equals(GROUP) || ui.destination().equals(options.callsign());
        if (ui.pid() != Ax25UiFrame.PID_NO_LAYER3 || !forUs || ui.source().equals(options.callsign())) {
            rejected(); // other AX.25 traffic on the channel (APRS, a BBS), or our own echo
            return;
        }
        if (info.length == 0 || (info[0] & 0xFF) >> 4 != MeshFrame.VERSION) {
            rejected(DecodeError.UNKNOWN_VERSION);
            return;
        }
        deliver(new Endpoint(id(), ui.source().toString()), info, LinkQuality.UNKNOWN);
        expireNeighbours();
    }

    @Override
    public Map<String, Object> statusFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", options.device());
        m.put("callsign", options.callsign().toString());
        m.put("air-bitrate", options.airBitrate());
        DutyCycleGovernor.Snapshot a = governor.snapshot();
        int[] queued = queue.sizes();
        m.put("dutyCycle", a.dutyCycle());
        m.put("airtimeLastHourMs", a.usedNanos() / 1_000_000L);
        m.put("budgetMs", a.budgetNanos() < 0 ? -1L : a.budgetNanos() / 1_000_000L);
        m.put("queuedLocal", (long) queued[0]);
        m.put("queuedInternet", (long) queued[1]);
        m.put("budgetWaits", queue.budgetWaits());
        KissPort p = port;
        if (p != null) {
            KissDecoder.Counters c = p.decoderCounters();
            m.put("connected", p.connected());
            m.put("reconnects", p.reconnects());
            m.put("kiss-frames", c.frames());
            m.put("kiss-oversize", c.oversize());
            m.put("kiss-bad-escapes", c.badEscapes());
            m.put("kiss-skipped-bytes", c.skippedBytes());
            if (!p.problem().isEmpty()) m.put("problem", p.problem());
        }
        return m;
    }

    private final class PortListener implements KissPort.Listener {
        @Override
        public void onFrame(KissFrame frame) {
            received(frame);
        }

        @Override
        public void onConnected() {
            KissPort p = port;
            try {
                for (byte[] cmd : options.tnc().commandFrames(options.kissPort())) {
                    if (p != null) p.write(cmd);
                }
            } catch (IOException e) {
                setState(TransportState.FAILED, "TNC parameters not sent: " + e.getMessage());
                return;
            }
            setState(TransportState.ACTIVE, options.device() + " as " + options.callsign());
        }

        @Override
        public void onDisconnected(String reason) {
            setState(TransportState.FAILED, options.device() + ": " + reason + "; reopening");
        }
    }
}
