package net.sovereignbridge.app.transport.kiss;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
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
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportBase;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;

/**
 * A KISS TNC on a serial port (a hardware TNC, direwolf, a radio with KISS built in): each link frame is the
 * information field of one AX.25 UI frame (PID 0xF0) from this station's callsign, carried in one KISS data frame.
 * A broadcast goes to the group address {@link #GROUP}; a frame for one neighbour goes to its callsign. The sender's
 * callsign ("N0CALL-7") is the endpoint the node knows it by. Received frames that are not UI, not PID 0xF0, not
 * for us or the group, our own (an echo through a digipeater) or without the mesh version nibble are refused and
 * counted, not delivered. The port reopens a vanished device by itself; while it is away the transport is FAILED
 * with the port's reason, and ACTIVE again (TNC parameters sent again) when it is back. Layout: docs/serial.md.
 */
public final class KissTransport extends TransportBase {
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
     */
    public record Options(String device, int speed, Callsign callsign, int kissPort, long airBitrate, int mtu,
            TncParameters tnc, long neighbourTimeoutMillis) {
        public Options {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(callsign, "callsign");
            Objects.requireNonNull(tnc, "tnc");
            if (kissPort < 0 || kissPort > 15) throw new IllegalArgumentException("kiss port must be 0..15");
            if (mtu < 32 || mtu > MAX_MTU) throw new IllegalArgumentException("mtu must be 32.." + MAX_MTU);
        }
    }

    private final Options options;
    private final SerialPortOpener opener;
    private volatile KissPort port;

    public KissTransport(String id, Options options, SerialPortOpener opener, Clock clock) {
        super(id, profile(options), clock, DEFAULT_MAX_NEIGHBOURS);
        this.options = options;
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    private static TransportProfile profile(Options o) {
        // one AX.25 header (16 bytes) plus KISS and HDLC overhead on a half-duplex channel, keyed for txdelay
        int frameBits = (o.mtu() + Ax25UiFrame.HEADER_BYTES + 4) * 8;
        int latencyMs = (int) (o.tnc().txDelay() * 10L + 1000L * (Ax25UiFrame.HEADER_BYTES + 36) * 8 / o.airBitrate());
        return TransportProfile.of(TransportKind.BROADCAST, o.mtu(), PreferenceClass.LOCAL_SLOW)
                .withBitrate(Math.max(1, o.airBitrate() * o.mtu() * 8 / frameBits)).withLatency(latencyMs)
                .withCost(50).withHopAcks(false).withNeighbourTimeout(o.neighbourTimeoutMillis());
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
    }

    @Override
    public void stop() {
        KissPort p;
        synchronized (this) {
            p = port;
            port = null;
        }
        if (p == null) return;
        setState(TransportState.STOPPING, "");
        p.close();
        setState(TransportState.STOPPED, "");
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
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
        try {
            p.write(Kiss.data(options.kissPort(), ax25));
            sent();
        } catch (IOException e) {
            sendFailed();
            throw new TransportException(id() + ": " + e.getMessage(), e);
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
