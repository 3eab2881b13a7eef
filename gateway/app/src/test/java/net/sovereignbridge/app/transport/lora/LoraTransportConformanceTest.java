package net.sovereignbridge.app.transport.lora;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.Sx127x;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportConformance;
import net.sovereignbridge.mesh.transport.radio.Region;

/**
 * The LoRa transport against the conformance suite over the SX127x emulator's air (5x faster than the wall
 * clock). The peer and the stranger are bare radios on the same channel, driven by the driver: the peer frames
 * its packets as docs/lora-link.md says (magic 0x51, 16-bit link id); neighbour expiry runs the transport's
 * clock past the timeout.
 */
class LoraTransportConformanceTest extends TransportConformance {
    static final double SPEEDUP = 5;
    static final int PEER_LINK_ID = 0x0B0B;
    static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(10);
    static final LoRaSettings SF7_G3 = LoRaSettings.builder().frequencyHz(869_525_000L).spreadingFactor(7).build();

    private static Sx127x radio(SimulatedAir air, String name) throws Exception {
        EmulatedSx127x chip = air.newRadio(name);
        Sx127x r = new Sx127x(RadioBus.of(chip, chip.dio0(), chip.resetPin(), null), Duration.ofMillis(20), name);
        r.begin();
        r.configure(SF7_G3);
        return r;
    }

    @Override
    protected Medium medium() throws Exception {
        ScaledAirClock airClock = new ScaledAirClock(SPEEDUP);
        SimulatedAir air = new SimulatedAir(airClock, 11);
        Sx127x ours = radio(air, "ours");
        Sx127x peer = radio(air, "peer");
        Sx127x stranger = radio(air, "stranger");
        LinkedBlockingQueue<byte[]> atPeer = new LinkedBlockingQueue<>();
        peer.startReceiving(p -> atPeer.add(p.payload()));
        // The air's time plus a skew the test moves: silence past the neighbour timeout without waiting for it.
        AtomicLong skew = new AtomicLong();
        LoraTransport.TimeSource scaled = ScaledAirTime.of(airClock, SPEEDUP);
        LoraTransport.TimeSource time = new LoraTransport.TimeSource() {
            @Override
            public long nanoTime() {
                return scaled.nanoTime() + skew.get();
            }

            @Override
            public long wallNanos(long nanos) {
                return scaled.wallNanos(nanos);
            }
        };
        LoraTransport.Options options = new LoraTransport.Options(64, 0.25, true, 8, TIMEOUT_NANOS, 0x0A0A);
        LoraTransport lora = new LoraTransport("lora0", ours, SF7_G3, Region.EU868.subBands().get(2), 0x0A0A, options,
                time);
        return new Medium() {
            @Override
            public Transport transport() {
                return lora;
            }

            @Override
            public Endpoint peer() {
                return Endpoint.broadcast("lora0");
            }

            @Override
            public Endpoint peerSends(byte[] frame) throws Exception {
                byte[] packet = new byte[frame.length + 3];
                packet[0] = 0x51;
                packet[1] = (byte) (PEER_LINK_ID >> 8);
                packet[2] = (byte) PEER_LINK_ID;
                System.arraycopy(frame, 0, packet, 3, frame.length);
                peer.transmit(packet);
                return new Endpoint("lora0", String.format("%04x", PEER_LINK_ID));
            }

            @Override
            public byte[] peerReceives(Duration within) throws Exception {
                // a broadcast medium: the peer also hears the stranger, and keeps only what our link id sent
                long end = System.nanoTime() + within.toNanos();
                while (true) {
                    byte[] p = atPeer.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (p == null) return null;
                    if (p.length > 3 && (p[0] & 0xFF) == 0x51 && ((p[1] & 0xFF) << 8 | (p[2] & 0xFF)) == 0x0A0A) {
                        return java.util.Arrays.copyOfRange(p, 3, p.length);
                    }
                }
            }

            @Override
            public List<byte[]> hostileInputs() {
                byte[] foreign = frame(40, 1);
                foreign[0] = 0x40; // another LoRa network on the same settings
                return List.of(new byte[] {0x51}, new byte[] {0x51, 0x0C, 0x0C}, foreign, frame(255, 2));
            }

            @Override
            public void strangerSends(byte[] raw) throws Exception {
                stranger.transmit(raw);
            }

            @Override
            public void peerFallsSilent() {
                skew.addAndGet(TIMEOUT_NANOS + TimeUnit.SECONDS.toNanos(1));
            }

            @Override
            public void close() {
                peer.close();
                stranger.close();
                ours.close();
                airClock.close();
            }
        };
    }
}
