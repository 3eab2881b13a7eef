package net.sovereignbridge.app.transport.lora.bench;

import net.sovereignbridge.mesh.transport.radio.Region;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.app.transport.lora.LoraTransport;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.RadioBus;
import net.sovereignbridge.drivers.sx127x.Sx127x;
import net.sovereignbridge.drivers.sx127x.TimeOnAir;
import net.sovereignbridge.drivers.sx127x.emulator.EmulatedSx127x;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import java.security.SecureRandom;
import net.sovereignbridge.mesh.envelope.Envelope;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.Fragmenter;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportState;

/**
 * Goodput of the LoRa transport over emulated SX1276 links, as a fraction of the time-on-air bound, and the
 * overhead of splitting messages into frames. Not a test: run it by hand (see docs/benchmarks.md) and copy the
 * table it prints.
 *
 * <p>Two transports (driver + emulated chips) on US915 (no duty cycle, so the bound is pure time on air), one
 * sending full 252-byte frames back to back with listen-before-talk on, the other receiving. Air time runs faster
 * than wall time (ScaledAirClock); all times below are air times. The bound is the time on air of the packets
 * alone (AN1200.13), sent with no gap at all.
 */
public final class LoraGoodputBench {
    private record Result(String link, boolean lbt, int frames, double elapsedSeconds, double boundSeconds) {
        double linkFraction() {
            return boundSeconds / elapsedSeconds;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Result> results = new ArrayList<>();
        LoRaSettings sf7 = LoRaSettings.builder().frequencyHz(903_900_000L).spreadingFactor(7).build();
        LoRaSettings sf12 = LoRaSettings.builder().frequencyHz(903_900_000L).spreadingFactor(12).build();
        results.add(run("SF7/125 kHz", sf7, 200, 10, true));
        results.add(run("SF7/125 kHz", sf7, 200, 10, false));
        results.add(run("SF12/125 kHz", sf12, 20, 200, true));
        results.add(run("SF12/125 kHz", sf12, 20, 200, false));

        System.out.println();
        System.out.println("| link | LBT (CAD) | frames x 252 B | air time elapsed | time-on-air bound | link goodput / bound "
                + "| mesh goodput (252 of 255 B) / bound | mesh goodput |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            double mesh = r.linkFraction() * LoraTransport.MTU / LoraTransport.LORA_MAX_PAYLOAD;
            double bps = r.frames * LoraTransport.MTU * 8 / r.elapsedSeconds;
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.3f s | %.3f s | %.1f %% | %.1f %% | %.0f bit/s |%n",
                    r.link, r.lbt ? "on" : "off", r.frames, r.elapsedSeconds, r.boundSeconds, 100 * r.linkFraction(),
                    100 * mesh, bps);
        }

        System.out.println();
        System.out.println("| link | message | frames | time on air | ideal: message bytes at the full-packet byte rate "
                + "| overhead |");
        System.out.println("|---|---|---|---|---|---|");
        for (LoRaSettings s : List.of(sf7, sf12)) {
            String link = "SF" + s.spreadingFactor() + "/125 kHz";
            // the best a LoRa link can do per byte: a full 255-byte packet's time on air / 255
            double perByte = TimeOnAir.nanos(s, LoraTransport.LORA_MAX_PAYLOAD) / (double) LoraTransport.LORA_MAX_PAYLOAD;
            for (int size : new int[] {100, 1000, 4000, 16000}) {
                int frames = (size + LoraTransport.MTU - 1) / LoraTransport.MTU;
                long toa = 0;
                for (int i = 0; i < frames; i++) {
                    int len = Math.min(LoraTransport.MTU, size - i * LoraTransport.MTU);
                    toa += TimeOnAir.nanos(s, len + LoraTransport.HEADER_BYTES);
                }
                double ideal = size * perByte;
                System.out.printf(Locale.ROOT, "| %s | %d B | %d | %.3f s | %.3f s | %.1f %% |%n", link, size, frames,
                        toa / 1e9, ideal / 1e9, 100 * (toa - ideal) / ideal);
            }
        }
        wholeStackOverhead(List.of(sf7, sf12));
    }

    /**
     * The whole send path of a node: envelope (timestamp + tag), mesh frame header, mesh fragment headers (mesh-core's
     * Fragmenter at the LoRa MTU), then our link header per packet.
     */
    private static void wholeStackOverhead(List<LoRaSettings> links) {
        NodeIdentity alice = NodeIdentity.generate(new SecureRandom());
        NodeIdentity bob = NodeIdentity.generate(new SecureRandom());
        Envelope envelope = new Envelope(alice);
        System.out.println();
        System.out.println("| link | message | encoded mesh frame | LoRa packets | bytes on air | time on air | ideal: "
                + "message bytes at the full-packet byte rate | overhead |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (LoRaSettings s : links) {
            String link = "SF" + s.spreadingFactor() + "/125 kHz";
            double perByte = TimeOnAir.nanos(s, LoraTransport.LORA_MAX_PAYLOAD) / (double) LoraTransport.LORA_MAX_PAYLOAD;
            for (int size : new int[] {20, 100, 1000, 4000, 16000}) {
                MeshFrame frame = envelope.seal(FrameType.DATA, bob.publicIdentity(), 1, 1_700_000_000L, 0, 8,
                        new byte[size]);
                byte[] encoded = FrameCodec.encode(frame);
                List<byte[]> pieces = Fragmenter.split(encoded, LoraTransport.MTU, 7);
                long toa = 0, bytes = 0;
                for (byte[] p : pieces) {
                    int len = p.length + LoraTransport.HEADER_BYTES;
                    toa += TimeOnAir.nanos(s, len);
                    bytes += len;
                }
                double ideal = size * perByte;
                System.out.printf(Locale.ROOT, "| %s | %d B | %d B | %d | %d B | %.3f s | %.3f s | %.1f %% |%n", link,
                        size, encoded.length, pieces.size(), bytes, toa / 1e9, ideal / 1e9, 100 * (toa - ideal) / ideal);
            }
        }
    }

    private static Result run(String name, LoRaSettings settings, int frames, double speedup, boolean lbt)
            throws Exception {
        try (ScaledAirClock clock = new ScaledAirClock(speedup)) {
            SimulatedAir air = new SimulatedAir(clock, 1);
            LoraTransport.TimeSource airTime = net.sovereignbridge.app.transport.lora.ScaledAirTime.of(clock, speedup);
            Region.SubBand band = Region.US915.subBands().get(0);
            LoraTransport.Options options = new LoraTransport.Options(frames, 0.25, lbt, 8,
                    TimeUnit.HOURS.toNanos(1), 1);
            Sx127x ra = radio(air, "a"), rb = radio(air, "b");
            LoraTransport a = new LoraTransport("lora-a", ra, settings, band, 1, options, airTime);
            LoraTransport b = new LoraTransport("lora-b", rb, settings, band, 2, options, airTime);
            CountDownLatch done = new CountDownLatch(frames);
            AtomicLong lastArrival = new AtomicLong();
            b.start(new TransportListener() {
                @Override
                public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality q) {
                    lastArrival.set(clock.nanoTime());
                    done.countDown();
                }

                @Override
                public void onStateChanged(Transport t, TransportState s, String reason) {}
            });
            a.start(new TransportListener() {
                @Override
                public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality q) {}

                @Override
                public void onStateChanged(Transport t, TransportState s, String reason) {}
            });
            byte[] payload = new byte[LoraTransport.MTU];
            long start = clock.nanoTime();
            for (int i = 0; i < frames; i++) a.send(Endpoint.broadcast("lora-a"), payload);
            long bound = frames * TimeOnAir.nanos(settings, LoraTransport.LORA_MAX_PAYLOAD);
            long wallTimeout = (long) (bound / speedup * 3 / 1e6) + 10_000;
            if (!done.await(wallTimeout, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + ": only " + (frames - done.getCount()) + " frames arrived");
            }
            double elapsed = (lastArrival.get() - start) / 1e9;
            System.err.printf(Locale.ROOT, "%s LBT %s: %d frames in %.3f s of air time (bound %.3f s)%n", name,
                    lbt ? "on" : "off", frames, elapsed, bound / 1e9);
            a.stop();
            b.stop();
            ra.close();
            rb.close();
            return new Result(name, lbt, frames, elapsed, bound / 1e9);
        }
    }

    private static Sx127x radio(SimulatedAir air, String name) throws Exception {
        EmulatedSx127x chip = air.newRadio(name);
        Sx127x r = new Sx127x(RadioBus.of(chip, chip.dio0(), chip.resetPin(), null), Duration.ofMillis(100), name);
        r.begin();
        return r;
    }
}
