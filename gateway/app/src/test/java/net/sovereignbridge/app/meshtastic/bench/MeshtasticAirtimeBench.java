package net.sovereignbridge.app.meshtastic.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.meshtastic.MeshtasticLink;
import net.sovereignbridge.app.transport.lora.Sx126xRadio;
import net.sovereignbridge.drivers.meshtastic.Channel;
import net.sovereignbridge.drivers.meshtastic.MeshtasticRegion;
import net.sovereignbridge.drivers.meshtastic.ModemPreset;
import net.sovereignbridge.drivers.sx126x.Sx126x;
import net.sovereignbridge.drivers.sx126x.Sx126xBus;
import net.sovereignbridge.drivers.sx126x.Sx126xHardware;
import net.sovereignbridge.drivers.sx126x.Sx126xSettings;
import net.sovereignbridge.drivers.sx126x.emulator.EmulatedSx126x;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.CodingRate;
import net.sovereignbridge.drivers.sx127x.TimeOnAir;
import net.sovereignbridge.drivers.sx127x.emulator.ScaledAirClock;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * Airtime of a Meshtastic text per modem preset, and how many fit the hour within our half of the duty cycle. Not a
 * test: run it by hand (docs/benchmarks.md) and copy the table it prints.
 *
 * <p>Per preset, our {@link MeshtasticLink} on an emulated SX1262 sends texts of 40 and 200 bytes (a chat line, a
 * long one) to a second emulated SX1262; the air time measured is from the send to the other chip's RxDone, on the
 * simulated air's clock (which runs faster than the wall clock, so our software's wall-clock overhead is multiplied
 * by the speedup in it). Beside it: our SX126x time-on-air formula (what the duty-cycle governor books) and Semtech's
 * AN1200.13 formula as drivers/sx127x implements it, written separately, at the same settings.
 */
public final class MeshtasticAirtimeBench {
    private static final int SENDS = 5;

    public static void main(String[] args) throws Exception {
        System.out.println("| preset | modulation | text | frame | measured on emulated air (mean of n sends) | SX126x formula | AN1200.13 (SX127x code) | texts/hour EU_868 (180 s) | of them internet (45 s) "
                + "| texts/hour US (1800 s) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (ModemPreset p : ModemPreset.values()) {
            for (int text : List.of(40, 200)) run(p, text);
        }
    }

    private static void run(ModemPreset p, int textBytes) throws Exception {
        double speedup = p.spreadingFactor() <= 8 ? 2 : p.spreadingFactor() <= 10 ? 8 : 20;
        try (ScaledAirClock clock = new ScaledAirClock(speedup)) {
            SimulatedAir air = new SimulatedAir(clock, 3);
            Sx126xSettings settings = Sx126xSettings.builder().frequencyHz(MeshtasticRegion.US.frequencyHz(p, ""))
                    .spreadingFactor(p.spreadingFactor()).bandwidth(bandwidth(p)).codingRate(codingRate(p))
                    .preambleLength(ModemPreset.PREAMBLE).syncWord(ModemPreset.SYNC_WORD).build();
            Sx126xRadio ours = radio(air, "ours", settings);
            Sx126xRadio theirs = radio(air, "theirs", settings);
            LinkedBlockingQueue<long[]> heard = new LinkedBlockingQueue<>();
            theirs.configure();
            theirs.startReceiving(pk -> heard.add(new long[] {clock.nanoTime(), pk.payload().length}));
            MeshtasticLink link = new MeshtasticLink(ours, new MeshtasticLink.Settings(0x5B0B0001, "bench", "B",
                    MeshtasticRegion.US, List.of(Channel.of(p.channelName(), new byte[] {1})), 3, 0, 1.0),
                    (c, f, t, d) -> { }, clock::nanoTime);
            link.start();
            long total = 0;
            int frame = 0;
            int sends = 0;
            for (int i = 0; i < SENDS; i++) {
                long start = clock.nanoTime();
                MeshtasticLink.SendResult r = link.sendText("x".repeat(textBytes), TrafficOrigin.LOCAL);
                // our own sends fill the minute too: on the slow presets the 40 % rule stops us before SENDS
                if (r instanceof MeshtasticLink.ChannelBusy && i > 0) break;
                if (!(r instanceof MeshtasticLink.Sent)) throw new IllegalStateException(p + ": " + r);
                sends++;
                long[] h = heard.poll(60, TimeUnit.SECONDS);
                if (h == null) throw new IllegalStateException(p + ": nothing heard");
                total += h[0] - start;
                frame = (int) h[1];
            }
            double measured = total / 1e9 / sends;
            double formula = link.timeOnAirNanos(frame) / 1e9;
            double an1200 = TimeOnAir.nanos(p.spreadingFactor(), bandwidth(p), codingRate(p), ModemPreset.PREAMBLE,
                    false, true, settings.lowDataRateOptimizeEnabled(), frame) / 1e9;
            boolean inEu = p.bandwidthKhz() <= 250;
            System.out.printf(Locale.ROOT, "| %s | SF%d/%d kHz/4:%d | %d B | %d B | %.3f s (%d) | %.3f s | %.3f s | %s | %s | %d |%n",
                    p.channelName(), p.spreadingFactor(), p.bandwidthKhz(), p.codingRateDenominator(), textBytes, frame,
                    measured, sends, formula, an1200, inEu ? String.valueOf((long) (180 / formula)) : "n/a (500 kHz)",
                    inEu ? String.valueOf((long) (45 / formula)) : "n/a", (long) (1800 / formula));
            link.close();
            theirs.close();
        }
    }

    private static Sx126xRadio radio(SimulatedAir air, String name, Sx126xSettings settings) throws Exception {
        EmulatedSx126x chip = EmulatedSx126x.sx1262(air, name);
        Sx126x driver = new Sx126x(Sx126xBus.of(chip, chip.busy(), chip.dio1(), chip.resetPin(), null, null, null),
                Sx126xHardware.typicalSx1262(), Duration.ofMillis(100), name);
        driver.begin();
        return new Sx126xRadio(driver, settings);
    }

    private static Bandwidth bandwidth(ModemPreset p) {
        return switch (p.bandwidthKhz()) {
            case 125 -> Bandwidth.BW_125;
            case 250 -> Bandwidth.BW_250;
            default -> Bandwidth.BW_500;
        };
    }

    private static CodingRate codingRate(ModemPreset p) {
        return switch (p.codingRateDenominator()) {
            case 5 -> CodingRate.CR_4_5;
            case 6 -> CodingRate.CR_4_6;
            case 7 -> CodingRate.CR_4_7;
            default -> CodingRate.CR_4_8;
        };
    }
}
