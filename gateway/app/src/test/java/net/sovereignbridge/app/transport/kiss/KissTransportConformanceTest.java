package net.sovereignbridge.app.transport.kiss;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.kiss.Ax25UiFrame;
import net.sovereignbridge.drivers.kiss.Callsign;
import net.sovereignbridge.drivers.kiss.JSerialCommOpener;
import net.sovereignbridge.drivers.kiss.Kiss;
import net.sovereignbridge.drivers.kiss.KissFrame;
import net.sovereignbridge.drivers.kiss.KissPort;
import net.sovereignbridge.drivers.kiss.PtyPair;
import net.sovereignbridge.drivers.kiss.TncParameters;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.ManualClock;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportConformance;

/**
 * The KISS transport against the conformance suite over a socat pty pair through jSerialComm: the transport on one
 * end, the peer (a plain KISS port sending AX.25 UI frames as PEER-2) on the other; the stranger writes raw bytes
 * on the peer's end. Neighbour liveness runs on a virtual clock.
 */
class KissTransportConformanceTest extends TransportConformance {
    static final long TIMEOUT_MS = 60_000;
    static final Callsign US = Callsign.parse("N0CALL-1");
    static final Callsign PEER = Callsign.parse("PEER-2");
    static final Callsign STRANGER = Callsign.parse("STRNGR");

    @Override
    protected Medium medium() throws Exception {
        Path dir = Files.createTempDirectory("kiss-conformance");
        PtyPair pair = new PtyPair(dir);
        ManualClock clock = new ManualClock(1_800_000_000_000L);
        KissTransport.Options options = new KissTransport.Options(pair.a(), 115200, US, 0, 1200, KissTransport.MAX_MTU,
                new TncParameters(1, 255, 1, 0, true), TIMEOUT_MS);
        KissTransport kiss = new KissTransport("kiss0", options, new JSerialCommOpener(), clock.clock());
        LinkedBlockingQueue<KissFrame> atPeer = new LinkedBlockingQueue<>();
        KissPort peerPort = new KissPort(new JSerialCommOpener(), new KissPort.Options(pair.b(), 115200, 4096, 20, 200),
                atPeer::add);
        peerPort.open();
        return new Medium() {
            @Override
            public Transport transport() {
                return kiss;
            }

            @Override
            public Endpoint peer() {
                return new Endpoint("kiss0", PEER.toString());
            }

            @Override
            public Endpoint peerSends(byte[] frame) throws Exception {
                peerPort.write(Kiss.data(0, Ax25UiFrame.of(KissTransport.GROUP, PEER, frame).encode()));
                return peer();
            }

            @Override
            public byte[] peerReceives(Duration within) throws Exception {
                long end = System.nanoTime() + within.toNanos();
                while (true) {
                    long left = end - System.nanoTime();
                    KissFrame k = atPeer.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                    if (k == null) return null;
                    if (!k.isData()) continue; // the TNC parameters the transport sends on every open
                    Ax25UiFrame ui = Ax25UiFrame.decode(k.data());
                    if (!ui.destination().equals(PEER) || !ui.source().equals(US)) {
                        throw new AssertionError("a frame for " + ui.destination() + " from " + ui.source());
                    }
                    return ui.info();
                }
            }

            @Override
            public List<byte[]> hostileInputs() {
                List<byte[]> h = new ArrayList<>();
                h.add(new byte[] {0x13, 0x37, (byte) 0xDB, 0x42, 0x00}); // line noise outside any frame
                h.add(Kiss.data(0, new byte[] {1, 2, 3})); // a data frame too short for an AX.25 header
                h.add(Kiss.encode(Kiss.typeByte(0, Kiss.TXDELAY), new byte[] {50})); // a command, not data
                h.add(Kiss.data(1, Ax25UiFrame.of(KissTransport.GROUP, STRANGER, frame(40, 1)).encode())); // port 1
                h.add(Kiss.data(0, new Ax25UiFrame(KissTransport.GROUP, STRANGER, List.of(), 0xCC, frame(40, 2))
                        .encode())); // IP over AX.25, not ours
                h.add(Kiss.data(0, Ax25UiFrame.of(Callsign.parse("APRS"), STRANGER, frame(40, 3)).encode())); // APRS
                byte[] wrongVersion = frame(40, 4);
                wrongVersion[0] = 0x00;
                h.add(Kiss.data(0, Ax25UiFrame.of(KissTransport.GROUP, STRANGER, wrongVersion).encode()));
                h.add(Kiss.data(0, Ax25UiFrame.of(KissTransport.GROUP, STRANGER, frame(KissTransport.MAX_MTU + 1, 5))
                        .encode())); // over the MTU
                h.add(Kiss.data(0, Ax25UiFrame.of(KissTransport.GROUP, US, frame(40, 6)).encode())); // our own echo
                h.add(Kiss.data(0, frame(3000, 7))); // over the decoder's bound
                h.add(new byte[] {(byte) 0xC0, 0x00, 0x44, 0x55, (byte) 0xDB}); // a frame cut off mid-escape
                return h;
            }

            @Override
            public void strangerSends(byte[] raw) throws Exception {
                peerPort.write(raw);
            }

            @Override
            public void peerFallsSilent() {
                clock.advance(Duration.ofMillis(TIMEOUT_MS + 1));
            }

            @Override
            public void close() throws Exception {
                peerPort.close();
                pair.close();
            }
        };
    }
}
