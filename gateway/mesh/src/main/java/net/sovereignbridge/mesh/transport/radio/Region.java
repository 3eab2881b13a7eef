package net.sovereignbridge.mesh.transport.radio;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Regulatory regions: where a LoRa radio may transmit, how long (duty cycle per sub-band, averaged over one hour)
 * and how loud. Figures from ETSI EN 300 220 / ERC Rec. 70-03 (EU), FCC part 15.247 (US) and the LoRaWAN Regional
 * Parameters band plans, as summarised in the project's radio facts (radio.md).
 */
public enum Region {
    EU868(List.of(
            new SubBand("EU868 g1", 868_000_000L, 868_600_000L, 0.01, 16),
            new SubBand("EU868 g2", 868_700_000L, 869_200_000L, 0.001, 16),
            new SubBand("EU868 g3", 869_400_000L, 869_650_000L, 0.10, 29)),
            List.of(868_100_000L, 868_300_000L, 868_500_000L, 869_525_000L)),
    EU433(List.of(new SubBand("EU433", 433_050_000L, 434_790_000L, 0.10, 12)),
            List.of(433_175_000L, 433_375_000L, 433_575_000L)),
    /** No duty cycle (frequency hopping / digital modulation rules; 400 ms dwell applies to some uses only). */
    US915(List.of(new SubBand("US915", 902_000_000L, 928_000_000L, 1.0, 30)), usChannels()),
    /** 1 % where a country imposes it (the conservative choice); Japan requires LBT, which the transport does. */
    AS923(List.of(new SubBand("AS923", 923_000_000L, 923_600_000L, 0.01, 16)),
            List.of(923_200_000L, 923_400_000L));

    /**
     * A contiguous band with one duty-cycle limit.
     *
     * @param dutyCycle share of any hour that may be spent transmitting (1.0 = unregulated)
     * @param maxEirpDbm radiated power limit
     */
    public record SubBand(String name, long lowHz, long highHz, double dutyCycle, int maxEirpDbm) {
        /** The whole channel (carrier +- half the bandwidth) must fit inside the sub-band. */
        public boolean contains(long centreHz, double bandwidthHz) {
            return centreHz - bandwidthHz / 2 >= lowHz && centreHz + bandwidthHz / 2 <= highHz;
        }

        public boolean regulated() {
            return dutyCycle < 1.0;
        }

        /** Airtime allowed in one rolling hour, in nanoseconds (Long.MAX_VALUE when unregulated). */
        public long hourlyBudgetNanos() {
            return regulated() ? (long) (dutyCycle * 3600e9) : Long.MAX_VALUE;
        }
    }

    private final List<SubBand> subBands;
    private final List<Long> channels;

    Region(List<SubBand> subBands, List<Long> channels) {
        this.subBands = subBands;
        this.channels = channels;
    }

    public List<SubBand> subBands() {
        return subBands;
    }

    /** Default channel frequencies, addressed by the board configuration's {@code channel} index. */
    public List<Long> channels() {
        return channels;
    }

    /** The sub-band that holds the whole channel, if any. */
    public Optional<SubBand> subBandOf(long centreHz, double bandwidthHz) {
        return subBands.stream().filter(b -> b.contains(centreHz, bandwidthHz)).findFirst();
    }

    public static Optional<Region> parse(String name) {
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String describeSubBands() {
        StringBuilder sb = new StringBuilder();
        for (SubBand b : subBands) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(String.format(Locale.ROOT, "%s %.3f-%.3f MHz", b.name(), b.lowHz() / 1e6, b.highHz() / 1e6));
        }
        return sb.toString();
    }

    /** LoRaWAN US902-928 upstream 125 kHz channels 0..63: 902.3 MHz + 200 kHz steps. */
    private static List<Long> usChannels() {
        Long[] ch = new Long[64];
        for (int i = 0; i < 64; i++) ch[i] = 902_300_000L + 200_000L * i;
        return List.of(ch);
    }
}
