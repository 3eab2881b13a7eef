package net.sovereignbridge.app.transport.lan;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.ManualClock;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportConformance;

/**
 * The LAN transport against the conformance suite on loopback unicast, with a virtual clock for neighbour
 * liveness; the peer and the stranger are plain UDP sockets.
 */
class LanTransportConformanceTest extends TransportConformance {
    static final long TIMEOUT_MS = 60_000;

    @Override
    protected Medium medium() throws Exception {
        ManualClock clock = new ManualClock(1_800_000_000_000L);
        LanTransport.Options options = new LanTransport.Options("127.0.0.1", 0, "239.255.77.77", 4243, List.of("lo"),
                List.of(), false);
        LanTransport lan = new LanTransport("lan", options, TIMEOUT_MS, clock.clock());
        InetAddress loopback = InetAddress.getLoopbackAddress();
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(loopback, 0));
        DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(loopback, 0));
        return new Medium() {
            @Override
            public Transport transport() {
                return lan;
            }

            @Override
            public Endpoint peer() {
                return new Endpoint("lan", "127.0.0.1:" + peer.getLocalPort());
            }

            @Override
            public Endpoint peerSends(byte[] frame) throws Exception {
                peer.send(new DatagramPacket(frame, frame.length, lan.localAddress()));
                return peer();
            }

            @Override
            public byte[] peerReceives(Duration within) throws Exception {
                byte[] buf = new byte[4096];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                peer.setSoTimeout((int) Math.max(1, within.toMillis()));
                try {
                    peer.receive(p);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                return Arrays.copyOf(buf, p.getLength());
            }

            @Override
            public List<byte[]> hostileInputs() {
                byte[] oversize = frame(LanTransport.MTU + 1, 1);
                byte[] huge = frame(2000, 2);
                byte[] wrongVersion = frame(100, 3);
                wrongVersion[0] = 0x00;
                byte[] noise = frame(64, 4);
                noise[0] = (byte) 0xF3;
                return List.of(new byte[0], oversize, huge, wrongVersion, noise);
            }

            @Override
            public void strangerSends(byte[] raw) throws Exception {
                stranger.send(new DatagramPacket(raw, raw.length, lan.localAddress()));
            }

            @Override
            public void peerFallsSilent() {
                clock.advance(Duration.ofMillis(TIMEOUT_MS + 1));
            }

            @Override
            public void close() {
                peer.close();
                stranger.close();
            }
        };
    }
}
