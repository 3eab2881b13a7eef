package net.sovereignbridge.app.transport.satellite;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import net.sovereignbridge.drivers.satellite.MulticastReceiver;
import net.sovereignbridge.drivers.satellite.Reassembler;
import net.sovereignbridge.drivers.satellite.ReceivedMessage;
import net.sovereignbridge.drivers.satellite.ReceiverStats;
import net.sovereignbridge.mesh.custody.Bundle;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.log.RateLimitedLog;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
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
 * Blockstream Satellite's downlink as a receive-only transport: the API multicast joined on one interface,
 * messages reassembled and FEC-decoded (drivers/satellite), then handled by the {@link DownlinkProcessor}:
 * files into the download directory, sealed bundles into the node through this transport's own receive path
 * (each frame from the bundle's exporter, as a carried bundle's). The profile is {@link
 * TransportKind#RECEIVE_ONLY}: the router, announcer and link layer never send, announce or acknowledge on it.
 */
public final class SatelliteTransport extends TransportBase {
    private static final Logger log = LoggerFactory.getLogger(SatelliteTransport.class);
    private static final RateLimitedLog noisy = RateLimitedLog.of(SatelliteTransport.class);
    /** The downlink's rate: about 1.09 Mbit/s for the API and Bitcoin streams together. */
    static final long DOWNLINK_BITRATE = 1_090_000;

    /** What the transport listens to; the processor holds the rest. */
    public record Listen(String interfaceName, InetAddress group, int port, Set<Integer> channels, long expiryMillis, long maxPendingBytes) {}

    private final Listen listen;
    private final DownlinkProcessor processor;
    private final ReceivedLedger ledger;
    private final ReceiverStats stats = new ReceiverStats();
    private volatile MulticastReceiver receiver;
    private volatile Thread loop;

    SatelliteTransport(String id, Listen listen, DownlinkProcessorFactory processor, ReceivedLedger ledger, Clock clock) {
        super(id, TransportProfile.of(TransportKind.RECEIVE_ONLY, Bundle.MAX_FRAME, PreferenceClass.GLOBAL)
                .withBitrate(DOWNLINK_BITRATE).withLatency(10_000).withNeighbourTimeout(86_400_000), clock, DEFAULT_MAX_NEIGHBOURS);
        this.listen = listen;
        this.processor = processor.create(this::importBundle);
        this.ledger = ledger;
    }

    /** Builds the processor with this transport's bundle import (the processor exists before the transport). */
    interface DownlinkProcessorFactory {
        DownlinkProcessor create(DownlinkProcessor.BundleSink sink);
    }

    @Override
    public synchronized void start(TransportListener l) throws TransportException {
        attach(l);
        if (receiver != null) return;
        setState(TransportState.STARTING, "joining " + listen.group().getHostAddress() + ":" + listen.port() + " on " + listen.interfaceName());
        MulticastReceiver rx;
        try {
            rx = new MulticastReceiver(listen.interfaceName(), listen.group(), listen.port(), listen.channels(),
                    new Reassembler(listen.expiryMillis(), listen.maxPendingBytes(), stats), stats, System::currentTimeMillis);
        } catch (IOException e) {
            setState(TransportState.FAILED, "cannot join " + listen.group().getHostAddress() + ":" + listen.port() + " on "
                    + listen.interfaceName() + ": " + e.getMessage());
            throw new TransportException(id() + ": " + e.getMessage());
        }
        receiver = rx;
        Thread t = new Thread(() -> run(rx), "satellite-" + id());
        t.setDaemon(true);
        loop = t;
        setState(TransportState.ACTIVE, "listening on " + listen.interfaceName() + " " + listen.group().getHostAddress() + ":" + listen.port());
        t.start();
    }

    private void run(MulticastReceiver rx) {
        try {
            rx.run(this::onMessage, bad -> noisy.debug("sat.datagram", "{}: datagram skipped: {}", id(), bad));
        } catch (IOException e) {
            if (receiver == rx) setState(TransportState.FAILED, "receive failed: " + e.getMessage());
        }
    }

    private void onMessage(ReceivedMessage m) {
        DownlinkProcessor.Outcome o;
        try {
            o = processor.process(m);
        } catch (RuntimeException e) { // one bad message must not end the receive loop
            log.warn("{}: message {} on channel {} not handled: {}", id(), m.sequence(), m.channel(), e.toString());
            return;
        }
        switch (o.kind()) {
            case FILE -> log.info("{}: received file {} ({} bytes, signature {}) into {}", id(), o.path().getFileName(), o.bytes(), o.signature(), o.path().getParent());
            case BUNDLE -> log.info("{}: imported bundle {} ({} bytes, signature {}): {}", id(), o.name(), o.bytes(), o.signature(), o.detail());
            case REPEAT -> log.debug("{}: message {} received before: skipped", id(), o.name());
            case NOT_FOR_US -> log.debug("{}: message {} is for another key", id(), m.sequence());
            default -> noisy.warn("sat." + o.kind(), "{}: message {} on channel {} refused ({}): {}", id(), m.sequence(), m.channel(), o.kind(), o.detail());
        }
    }

    /** A verified bundle's frames enter the node through this transport, from the exporter as neighbour. */
    private Bundle.ImportReport importBundle(Bundle bundle) {
        Endpoint from = new Endpoint(id(), bundle.exporter().address().toHex());
        int accepted = 0;
        String firstRejection = null;
        for (int i = 0; i < bundle.frames().size(); i++) {
            byte[] f = bundle.frames().get(i);
            // the signature covers the file, not that each frame is one: checked one by one, as a carried bundle's
            if (FrameCodec.decode(f) instanceof Decoded.Error<?> bad) {
                if (firstRejection == null) firstRejection = "frame " + i + ": " + bad.reason() + " " + bad.detail();
                continue;
            }
            if (deliver(from, f, LinkQuality.UNKNOWN)) accepted++;
        }
        return new Bundle.ImportReport(bundle.frames().size(), accepted, bundle.frames().size() - accepted, firstRejection);
    }

    @Override
    public synchronized void stop() {
        MulticastReceiver rx = receiver;
        receiver = null;
        if (rx == null) return;
        setState(TransportState.STOPPING, "");
        try {
            rx.close();
        } catch (IOException e) {
            log.debug("{}: closing the multicast socket: {}", id(), e.toString());
        }
        Thread t = loop;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        setState(TransportState.STOPPED, "");
    }

    /** Never: the downlink has no uplink. */
    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        throw new TransportException(id() + ": receive-only (satellite downlink): nothing is ever sent on it");
    }

    /** For tests: the processor's counters. */
    DownlinkProcessor.Counters outcomes() {
        return processor.counters();
    }

    ReceiverStats receiverStats() {
        return stats;
    }

    @Override
    public Map<String, Object> statusFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("interface", listen.interfaceName());
        m.put("group", listen.group().getHostAddress() + ":" + listen.port());
        m.put("channels", listen.channels().stream().sorted().map(String::valueOf).toList());
        DownlinkProcessor.Counters c = processor.counters();
        Map<String, Object> received = new LinkedHashMap<>();
        received.put("files", c.files.sum());
        received.put("bundles", c.bundles.sum());
        received.put("repeats", c.repeats.sum());
        received.put("notForUs", c.notForUs.sum());
        received.put("unsignedRefused", c.unsignedRefused.sum());
        received.put("badCrc", c.badCrc.sum());
        received.put("malformed", c.malformed.sum());
        received.put("full", c.full.sum());
        received.put("failed", c.failed.sum());
        m.put("messages", received);
        Map<String, Object> packets = new LinkedHashMap<>();
        packets.put("datagrams", stats.datagrams.sum());
        packets.put("malformed", stats.malformed.sum());
        packets.put("duplicates", stats.duplicateFragments.sum());
        packets.put("reassembled", stats.messages.sum());
        packets.put("evicted", stats.evicted.sum());
        packets.put("expired", stats.expired.sum());
        packets.put("otherChannel", stats.otherChannel.sum());
        m.put("packets", packets);
        m.put("remembered", ledger.size());
        return m;
    }
}
