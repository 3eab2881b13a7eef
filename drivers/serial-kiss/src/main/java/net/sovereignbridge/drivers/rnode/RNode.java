package net.sovereignbridge.drivers.rnode;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.drivers.kiss.Kiss;
import net.sovereignbridge.drivers.kiss.KissFrame;
import net.sovereignbridge.drivers.kiss.KissPort;
import net.sovereignbridge.drivers.kiss.SerialPortException;
import net.sovereignbridge.drivers.kiss.SerialPortOpener;

/**
 * An RNode (a LoRa radio that speaks RNode's KISS extension over USB serial) seen from the host. {@link #open} opens
 * the port and detects the RNode (DETECT, firmware version, platform, MCU); {@link #configure} sets frequency,
 * bandwidth, TX power, spreading factor and coding rate, switches the radio on, and reads every value back, so that a
 * value the RNode rounded or clamped is an error instead of a radio on other settings than configured. Received
 * packets reach the listener with the RSSI and SNR the RNode reported just before them. When the device goes away
 * and comes back (a replugged USB stick has rebooted with its radio off) the port reopens it and the settings are
 * applied again on a thread of this driver. Byte layouts: docs/rnode.md.
 */
public final class RNode implements AutoCloseable {
    /** Firmware older than 1.52 lacks split packets and parts of the command set RNode hosts rely on. */
    public static final int MIN_FIRMWARE_MAJOR = 1;
    public static final int MIN_FIRMWARE_MINOR = 52;

    /** What the RNode reports; called on the port's reader thread, keep it short. */
    public interface Listener {
        /** A packet the RNode received; {@code rssiDbm}/{@code snrDb} are those it reported for it. */
        void onPacket(byte[] data, int rssiDbm, double snrDb);

        /** An ERROR frame from the RNode (a failed transmission, a full queue). */
        default void onError(int code, String description) {}

        /** The device went away or came back; {@code problem} is "" when it is configured and on again. */
        default void onStateChanged(boolean usable, String problem) {}
    }

    private final String device;
    private final Listener listener;
    private final long replyTimeoutMillis;
    private final KissPort port;
    private final Object replies = new Object();
    private final Map<Integer, Reply> latest = new HashMap<>();
    private long replySeq;
    private final ExecutorService reconfigurer;

    private volatile boolean opened;
    private volatile RNodeSettings settings;
    private volatile RNodeInfo info;
    private volatile String problem = "";
    private volatile int pendingRssi = Integer.MIN_VALUE;
    private volatile double pendingSnr = Double.NaN;

    private final AtomicLong packetsIn = new AtomicLong();
    private final AtomicLong packetsOut = new AtomicLong();
    private final AtomicLong errorsReported = new AtomicLong();
    private final AtomicLong txFailures = new AtomicLong();
    private final AtomicLong otherFrames = new AtomicLong();
    private final AtomicLong reconfigurations = new AtomicLong();
    private volatile int airtimeShortBasisPoints = -1;
    private volatile int airtimeLongBasisPoints = -1;
    private volatile int channelLoadBasisPoints = -1;
    private volatile int noiseFloorDbm = Integer.MIN_VALUE;

    private record Reply(long seq, byte[] data) {}

    /**
     * @param replyTimeoutMillis how long to wait for each answer (an RNode answers in a few ms; its USB serial
     *     adapter may hold a byte back for a little while)
     */
    public RNode(SerialPortOpener opener, String device, int speed, Listener listener, long replyTimeoutMillis) {
        this.device = Objects.requireNonNull(device, "device");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (replyTimeoutMillis <= 0) throw new IllegalArgumentException("reply timeout must be positive");
        this.replyTimeoutMillis = replyTimeoutMillis;
        // a DATA frame is at most MTU bytes plus its type byte; every reply is shorter
        this.port = new KissPort(opener, new KissPort.Options(device, speed, RNodeCommand.MTU + 1, 250, 5_000),
                new PortListener());
        this.reconfigurer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rnode-config-" + device);
            t.setDaemon(true);
            return t;
        });
    }

    public String device() {
        return device;
    }

    /**
     * Opens the port and detects the RNode.
     *
     * @throws SerialPortException the device cannot be opened (missing, permission, busy)
     * @throws RNodeException no RNode answered, or its firmware is too old
     */
    public RNodeInfo open() throws SerialPortException, RNodeException {
        port.open();
        try {
            RNodeInfo found = detect();
            if (found.compareFirmware(MIN_FIRMWARE_MAJOR, MIN_FIRMWARE_MINOR) < 0) {
                throw new RNodeException(device + ": RNode firmware " + found.firmwareVersion() + " is older than "
                        + MIN_FIRMWARE_MAJOR + "." + MIN_FIRMWARE_MINOR + ": update it (rnodeconf --update)");
            }
            info = found;
            opened = true;
            return found;
        } catch (RNodeException e) {
            port.close();
            throw e;
        }
    }

    private RNodeInfo detect() throws RNodeException {
        long since = seq();
        write(frame(RNodeCommand.DETECT, RNodeCommand.DETECT_REQUEST), frame(RNodeCommand.FW_VERSION, 0x00),
                frame(RNodeCommand.PLATFORM, 0x00), frame(RNodeCommand.MCU, 0x00));
        byte[] d = awaitReply(RNodeCommand.DETECT, since, "no RNode answered the detect request on " + device
                + " (is it an RNode, at this speed, with RNode firmware flashed?)");
        if (d.length < 1 || (d[0] & 0xFF) != RNodeCommand.DETECT_RESPONSE) {
            throw new RNodeException(device + ": the detect answer was " + hex(d) + ", not 46: no RNode");
        }
        byte[] v = awaitReply(RNodeCommand.FW_VERSION, since, "the RNode on " + device + " did not tell its firmware");
        byte[] p = awaitReply(RNodeCommand.PLATFORM, since, "the RNode on " + device + " did not tell its platform");
        byte[] m = awaitReply(RNodeCommand.MCU, since, "the RNode on " + device + " did not tell its MCU");
        if (v.length < 2 || p.length < 1 || m.length < 1) {
            throw new RNodeException(device + ": short identity answers from the RNode");
        }
        return new RNodeInfo(v[0] & 0xFF, v[1] & 0xFF, p[0] & 0xFF, m[0] & 0xFF);
    }

    /** The detected RNode, or null before {@link #open}. */
    public RNodeInfo info() {
        return info;
    }

    /**
     * Sets the radio and switches it on, then reads every value back.
     *
     * @throws RNodeException no answer, a value the RNode holds differently from {@code s} (rounded bandwidth, clamped
     *     power), or the radio stayed off
     */
    public void configure(RNodeSettings s) throws RNodeException {
        Objects.requireNonNull(s, "settings");
        apply(s);
        settings = s;
    }

    private void apply(RNodeSettings s) throws RNodeException {
        long since = seq();
        write(frame4(RNodeCommand.FREQUENCY, s.frequencyHz()), frame4(RNodeCommand.BANDWIDTH, s.bandwidthHz()),
                frame(RNodeCommand.TXPOWER, s.txPowerDbm()), frame(RNodeCommand.SPREADING_FACTOR, s.spreadingFactor()),
                frame(RNodeCommand.CODING_RATE, s.codingRate()), frame(RNodeCommand.RADIO_STATE, 0x01));
        for (int cmd : new int[] {RNodeCommand.FREQUENCY, RNodeCommand.BANDWIDTH, RNodeCommand.TXPOWER,
                RNodeCommand.SPREADING_FACTOR, RNodeCommand.CODING_RATE}) {
            awaitReply(cmd, since, "the RNode on " + device + " did not confirm " + name(cmd));
        }
        byte[] state = awaitReply(RNodeCommand.RADIO_STATE, since, "the RNode on " + device
                + " did not answer the radio-on command");
        if (state.length < 1 || state[0] != 1) {
            throw new RNodeException(device + ": the RNode did not switch its radio on (" + s + ")");
        }
        // on a running radio the chip rounds what it was given; ask again to see what it holds now
        since = seq();
        write(frame4(RNodeCommand.FREQUENCY, 0), frame4(RNodeCommand.BANDWIDTH, 0), frame(RNodeCommand.TXPOWER, 0xFF),
                frame(RNodeCommand.SPREADING_FACTOR, 0xFF), frame(RNodeCommand.CODING_RATE, 0xFF));
        long f = u32(awaitReply(RNodeCommand.FREQUENCY, since, "no frequency read-back from " + device));
        long bw = u32(awaitReply(RNodeCommand.BANDWIDTH, since, "no bandwidth read-back from " + device));
        int txp = u8(awaitReply(RNodeCommand.TXPOWER, since, "no TX power read-back from " + device));
        int sf = u8(awaitReply(RNodeCommand.SPREADING_FACTOR, since, "no spreading factor read-back from " + device));
        int cr = u8(awaitReply(RNodeCommand.CODING_RATE, since, "no coding rate read-back from " + device));
        if (Math.abs(f - s.frequencyHz()) > RNodeSettings.FREQUENCY_TOLERANCE_HZ) {
            throw mismatch("frequency", s.frequencyHz() + " Hz", f + " Hz");
        }
        if (bw != s.bandwidthHz()) {
            throw mismatch("bandwidth", s.bandwidthHz() + " Hz", bw + " Hz (use a bandwidth its chip has)");
        }
        if (txp != s.txPowerDbm()) {
            throw mismatch("TX power", s.txPowerDbm() + " dBm", txp + " dBm (its board's maximum?)");
        }
        if (sf != s.spreadingFactor()) throw mismatch("spreading factor", "SF" + s.spreadingFactor(), "SF" + sf);
        if (cr != s.codingRate()) throw mismatch("coding rate", "4/" + s.codingRate(), "4/" + cr);
    }

    private RNodeException mismatch(String what, String asked, String holds) {
        return new RNodeException(device + ": the RNode holds " + what + " " + holds + " after " + asked
                + " was asked; refusing to run on other settings than configured");
    }

    /** The settings last configured, or null. */
    public RNodeSettings settings() {
        return settings;
    }

    /**
     * Hands one packet to the RNode to send; it queues and transmits it when its channel is clear (its own CSMA).
     *
     * @throws IOException the device is away
     * @throws IllegalArgumentException empty or longer than {@link RNodeCommand#MTU}
     */
    public void send(byte[] data) throws IOException {
        if (data.length == 0 || data.length > RNodeCommand.MTU) {
            throw new IllegalArgumentException("an RNode packet is 1.." + RNodeCommand.MTU + " bytes, got " + data.length);
        }
        port.write(Kiss.encode(RNodeCommand.DATA, data));
        packetsOut.incrementAndGet();
    }

    /** Switches the radio off (it stops transmitting and receiving) and waits for the answer. */
    public void radioOff() throws RNodeException {
        long since = seq();
        write(frame(RNodeCommand.RADIO_STATE, 0x00));
        awaitReply(RNodeCommand.RADIO_STATE, since, "the RNode on " + device + " did not answer radio off");
    }

    /** Sets the RNode's own short- and long-term airtime limits in 0.01 % (0 = none), a second guard beside ours. */
    public void airtimeLimits(int shortTermBasisPoints, int longTermBasisPoints) throws RNodeException {
        if (shortTermBasisPoints < 0 || shortTermBasisPoints > 9999 || longTermBasisPoints < 0
                || longTermBasisPoints > 9999) {
            throw new IllegalArgumentException("airtime limits are 0..9999 (0.01 % steps)");
        }
        long since = seq();
        write(frame2(RNodeCommand.ST_ALOCK, shortTermBasisPoints), frame2(RNodeCommand.LT_ALOCK, longTermBasisPoints));
        awaitReply(RNodeCommand.ST_ALOCK, since, "the RNode on " + device + " did not confirm its airtime limit");
        awaitReply(RNodeCommand.LT_ALOCK, since, "the RNode on " + device + " did not confirm its airtime limit");
    }

    public boolean connected() {
        return port.connected();
    }

    /** Why the RNode is not usable now, or "". */
    public String problem() {
        String p = port.problem();
        return p.isEmpty() ? problem : p;
    }

    /** Counters and the RNode's own channel figures, for status output. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("packetsIn", packetsIn.get());
        m.put("packetsOut", packetsOut.get());
        m.put("rnodeErrors", errorsReported.get());
        m.put("txFailures", txFailures.get());
        m.put("otherFrames", otherFrames.get());
        m.put("reconnects", port.reconnects());
        m.put("reconfigurations", reconfigurations.get());
        m.put("kissOversize", port.decoderCounters().oversize());
        m.put("kissSkippedBytes", port.decoderCounters().skippedBytes());
        if (airtimeShortBasisPoints >= 0) {
            m.put("rnodeAirtimeShortBasisPoints", (long) airtimeShortBasisPoints);
            m.put("rnodeAirtimeLongBasisPoints", (long) airtimeLongBasisPoints);
            m.put("rnodeChannelLoadBasisPoints", (long) channelLoadBasisPoints);
            m.put("rnodeNoiseFloorDbm", (long) noiseFloorDbm);
        }
        return m;
    }

    /** Tells the RNode the host leaves, switches the radio off and closes the port. */
    @Override
    public void close() {
        reconfigurer.shutdownNow();
        if (port.connected()) {
            try {
                port.write(concat(frame(RNodeCommand.RADIO_STATE, 0x00), frame(RNodeCommand.LEAVE, 0xFF)));
            } catch (IOException e) {
                // going away anyway
            }
        }
        port.close();
    }

    // ---------------------------------------------------------------------------------------------- replies

    private long seq() {
        synchronized (replies) {
            return replySeq;
        }
    }

    private byte[] awaitReply(int command, long since, String whatFailed) throws RNodeException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(replyTimeoutMillis);
        synchronized (replies) {
            while (true) {
                Reply r = latest.get(command);
                if (r != null && r.seq() > since) return r.data();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RNodeException(whatFailed + " within " + replyTimeoutMillis + " ms");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(replies, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RNodeException(device + ": interrupted waiting for the RNode", e);
                }
            }
        }
    }

    private void write(byte[]... frames) throws RNodeException {
        try {
            port.write(concat(frames));
        } catch (IOException e) {
            throw new RNodeException(device + ": " + e.getMessage(), e);
        }
    }

    private void received(KissFrame f) {
        int cmd = f.type();
        byte[] d = f.data();
        switch (cmd) {
            case RNodeCommand.DATA -> {
                packetsIn.incrementAndGet();
                int rssi = pendingRssi;
                double snr = pendingSnr;
                pendingRssi = Integer.MIN_VALUE;
                pendingSnr = Double.NaN;
                listener.onPacket(d, rssi, snr);
                return;
            }
            case RNodeCommand.STAT_RSSI -> {
                if (d.length >= 1) pendingRssi = (d[0] & 0xFF) - RNodeCommand.RSSI_OFFSET;
                return;
            }
            case RNodeCommand.STAT_SNR -> {
                if (d.length >= 1) pendingSnr = d[0] * 0.25; // signed quarter dB
                return;
            }
            case RNodeCommand.STAT_CHTM -> {
                if (d.length >= 10) {
                    airtimeShortBasisPoints = u16(d, 0);
                    airtimeLongBasisPoints = u16(d, 2);
                    channelLoadBasisPoints = u16(d, 4);
                    noiseFloorDbm = (d[9] & 0xFF) - RNodeCommand.RSSI_OFFSET;
                }
                return;
            }
            case RNodeCommand.ERROR -> {
                int code = d.length >= 1 ? d[0] & 0xFF : -1;
                errorsReported.incrementAndGet();
                if (code == RNodeCommand.ERROR_TX_FAILED) txFailures.incrementAndGet();
                listener.onError(code, RNodeCommand.describeError(code));
                return;
            }
            default -> { }
        }
        if (isReply(cmd)) {
            synchronized (replies) {
                latest.put(cmd, new Reply(++replySeq, d));
                replies.notifyAll();
            }
        } else {
            otherFrames.incrementAndGet(); // statistics we do not use, or a command this driver does not know
        }
    }

    private static boolean isReply(int cmd) {
        return switch (cmd) {
            case RNodeCommand.FREQUENCY, RNodeCommand.BANDWIDTH, RNodeCommand.TXPOWER, RNodeCommand.SPREADING_FACTOR,
                    RNodeCommand.CODING_RATE, RNodeCommand.RADIO_STATE, RNodeCommand.RADIO_LOCK, RNodeCommand.DETECT,
                    RNodeCommand.ST_ALOCK, RNodeCommand.LT_ALOCK, RNodeCommand.READY, RNodeCommand.STAT_RX,
                    RNodeCommand.STAT_TX, RNodeCommand.PLATFORM, RNodeCommand.MCU, RNodeCommand.FW_VERSION -> true;
            default -> false;
        };
    }

    private final class PortListener implements KissPort.Listener {
        @Override
        public void onFrame(KissFrame frame) {
            received(frame);
        }

        @Override
        public void onConnected() {
            if (!opened) return; // the first open: open() detects and the owner configures
            // a replugged RNode has rebooted with its radio off: detect it and set it up again, off the reader thread
            // (the answers arrive on that thread)
            try {
                reconfigurer.execute(RNode.this::reconfigure);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }

        @Override
        public void onDisconnected(String reason) {
            problem = device + ": " + reason + "; reopening";
            listener.onStateChanged(false, problem);
        }
    }

    /** Attempts at setting up a replugged RNode, a second apart: it may still be booting when the port opens. */
    private static final int RECONFIGURE_ATTEMPTS = 10;

    private void reconfigure() {
        for (int attempt = 1; attempt <= RECONFIGURE_ATTEMPTS && port.connected(); attempt++) {
            try {
                RNodeInfo found = detect();
                info = found;
                RNodeSettings s = settings;
                if (s != null) apply(s);
                reconfigurations.incrementAndGet();
                problem = "";
                listener.onStateChanged(true, "");
                return;
            } catch (RNodeException e) {
                problem = e.getMessage() + " (attempt " + attempt + " of " + RECONFIGURE_ATTEMPTS + ")";
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
        listener.onStateChanged(false, problem);
    }

    // ---------------------------------------------------------------------------------------------- encoding

    /** {@code C0 cmd value C0} for a one-byte command. */
    public static byte[] frame(int command, int value) {
        return Kiss.encode(command, new byte[] {(byte) value});
    }

    /** A command with a u32 big-endian value (frequency, bandwidth). */
    public static byte[] frame4(int command, long value) {
        return Kiss.encode(command, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8),
                (byte) value});
    }

    /** A command with a u16 big-endian value (airtime limits). */
    public static byte[] frame2(int command, int value) {
        return Kiss.encode(command, new byte[] {(byte) (value >>> 8), (byte) value});
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private long u32(byte[] d) throws RNodeException {
        if (d.length < 4) throw new RNodeException(device + ": a four-byte answer was " + d.length + " bytes");
        return ((long) (d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
    }

    private int u8(byte[] d) throws RNodeException {
        if (d.length < 1) throw new RNodeException(device + ": an empty answer");
        return d[0] & 0xFF;
    }

    private static int u16(byte[] d, int at) {
        return ((d[at] & 0xFF) << 8) | (d[at + 1] & 0xFF);
    }

    private static String name(int cmd) {
        return switch (cmd) {
            case RNodeCommand.FREQUENCY -> "the frequency";
            case RNodeCommand.BANDWIDTH -> "the bandwidth";
            case RNodeCommand.TXPOWER -> "the TX power";
            case RNodeCommand.SPREADING_FACTOR -> "the spreading factor";
            case RNodeCommand.CODING_RATE -> "the coding rate";
            default -> String.format(Locale.ROOT, "command 0x%02x", cmd);
        };
    }

    private static String hex(byte[] d) {
        return java.util.HexFormat.of().formatHex(d);
    }
}
