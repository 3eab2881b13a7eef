package net.sovereignbridge.drivers.sx126x;

import java.util.Objects;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.CodingRate;
import net.sovereignbridge.drivers.sx127x.LowDataRateOptimize;

/**
 * Modem settings for one LoRa channel on an SX126x. Both ends must agree on frequency, spreading factor, bandwidth,
 * sync word, header mode, IQ polarity and LowDataRateOptimize; coding rate and CRC travel in the explicit header.
 * Checked here for what holds on every family member; {@link #check(Sx126xChip)} adds the chip's own limits.
 *
 * @param syncWord the one-byte LoRa sync word as SX127x chips spell it (0x12 private, 0x34 LoRaWAN, 0x2B
 *     Meshtastic); written to registers 0x0740/0x0741 in the SX126x form (0x12 -> 0x14 0x24)
 * @param invertIq inverted chirps (LoRaWAN downlinks); with standard IQ, peers with standard IQ hear us
 * @param txPowerDbm output of the high-power PA, -9..+22 dBm (the module's external PA, if any, adds to it)
 * @param overCurrentMilliamps PA current limit, 0 = 140 mA (the datasheet's value for +22 dBm), else 2.5..160 mA
 */
public record Sx126xSettings(long frequencyHz, int spreadingFactor, Bandwidth bandwidth, CodingRate codingRate,
                             int preambleLength, int syncWord, boolean crc, boolean implicitHeader,
                             int implicitPayloadLength, boolean invertIq, LowDataRateOptimize lowDataRateOptimize,
                             int txPowerDbm, double overCurrentMilliamps) {
    public Sx126xSettings {
        Objects.requireNonNull(bandwidth, "bandwidth");
        Objects.requireNonNull(codingRate, "codingRate");
        Objects.requireNonNull(lowDataRateOptimize, "lowDataRateOptimize");
        if (frequencyHz < 150_000_000L || frequencyHz > 960_000_000L) {
            throw new IllegalArgumentException("frequency must be 150..960 MHz, got " + frequencyHz + " Hz");
        }
        if (spreadingFactor < 5 || spreadingFactor > 12) {
            throw new IllegalArgumentException("spreading factor must be 5..12, got " + spreadingFactor);
        }
        if (preambleLength < 1 || preambleLength > 65535) {
            throw new IllegalArgumentException("preamble length must be 1..65535 symbols, got " + preambleLength);
        }
        if (syncWord < 0 || syncWord > 0xFF) throw new IllegalArgumentException("sync word must be one byte");
        if (implicitPayloadLength < 1 || implicitPayloadLength > 255) {
            throw new IllegalArgumentException("implicit payload length must be 1..255, got " + implicitPayloadLength);
        }
        if (txPowerDbm < Sx126xChip.MIN_POWER_DBM || txPowerDbm > Sx126xChip.MAX_POWER_DBM) {
            throw new IllegalArgumentException("SX126x power must be -9..22 dBm, got " + txPowerDbm);
        }
        if (overCurrentMilliamps != 0 && (overCurrentMilliamps < 2.5 || overCurrentMilliamps > 160)) {
            throw new IllegalArgumentException("over-current limit must be 2.5..160 mA or 0, got " + overCurrentMilliamps);
        }
    }

    /**
     * The chip's own limits: its band, and for the LLCC68 its spreading factors per bandwidth.
     *
     * @throws IllegalArgumentException naming the limit
     */
    public void check(Sx126xChip chip) {
        if (frequencyHz < chip.minFrequencyHz() || frequencyHz > chip.maxFrequencyHz()) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%.3f MHz is outside the %s's band %d-%d MHz", frequencyHz / 1e6, chip,
                    chip.minFrequencyHz() / 1_000_000, chip.maxFrequencyHz() / 1_000_000));
        }
        chip.modulationProblem(spreadingFactor, bandwidth).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
    }

    public boolean lowDataRateOptimizeEnabled() {
        return lowDataRateOptimize.resolve(spreadingFactor, bandwidth);
    }

    /** Tsym = 2^SF / BW, exact in nanoseconds (every bandwidth is 500 kHz / an integer). */
    public long symbolNanos() {
        return (1L << spreadingFactor) * bandwidth.divisorOf500kHz() * 2000L;
    }

    /** Private-network defaults on 869.525 MHz: SF9, 125 kHz, 4/5, preamble 8, sync word 0x12, CRC on, 14 dBm. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().frequencyHz(frequencyHz).spreadingFactor(spreadingFactor).bandwidth(bandwidth)
                .codingRate(codingRate).preambleLength(preambleLength).syncWord(syncWord).crc(crc)
                .implicitHeader(implicitHeader).implicitPayloadLength(implicitPayloadLength).invertIq(invertIq)
                .lowDataRateOptimize(lowDataRateOptimize).txPowerDbm(txPowerDbm)
                .overCurrentMilliamps(overCurrentMilliamps);
    }

    public static final class Builder {
        private long frequencyHz = 869_525_000L;
        private int spreadingFactor = 9;
        private Bandwidth bandwidth = Bandwidth.BW_125;
        private CodingRate codingRate = CodingRate.CR_4_5;
        private int preambleLength = 8;
        private int syncWord = 0x12;
        private boolean crc = true;
        private boolean implicitHeader;
        private int implicitPayloadLength = 255;
        private boolean invertIq;
        private LowDataRateOptimize lowDataRateOptimize = LowDataRateOptimize.AUTO;
        private int txPowerDbm = 14;
        private double overCurrentMilliamps;

        public Builder frequencyHz(long v) { frequencyHz = v; return this; }
        public Builder spreadingFactor(int v) { spreadingFactor = v; return this; }
        public Builder bandwidth(Bandwidth v) { bandwidth = v; return this; }
        public Builder codingRate(CodingRate v) { codingRate = v; return this; }
        public Builder preambleLength(int v) { preambleLength = v; return this; }
        public Builder syncWord(int v) { syncWord = v; return this; }
        public Builder crc(boolean v) { crc = v; return this; }
        public Builder implicitHeader(boolean v) { implicitHeader = v; return this; }
        public Builder implicitPayloadLength(int v) { implicitPayloadLength = v; return this; }
        public Builder invertIq(boolean v) { invertIq = v; return this; }
        public Builder lowDataRateOptimize(LowDataRateOptimize v) { lowDataRateOptimize = v; return this; }
        public Builder txPowerDbm(int v) { txPowerDbm = v; return this; }
        public Builder overCurrentMilliamps(double v) { overCurrentMilliamps = v; return this; }

        public Sx126xSettings build() {
            return new Sx126xSettings(frequencyHz, spreadingFactor, bandwidth, codingRate, preambleLength, syncWord,
                    crc, implicitHeader, implicitPayloadLength, invertIq, lowDataRateOptimize, txPowerDbm,
                    overCurrentMilliamps);
        }
    }
}
