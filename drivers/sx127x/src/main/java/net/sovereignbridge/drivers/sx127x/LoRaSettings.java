package net.sovereignbridge.drivers.sx127x;

/**
 * Modem settings for one LoRa channel. Both ends must agree on frequency, spreading factor, bandwidth, sync word,
 * header mode and LowDataRateOptimize; coding rate and CRC travel in the explicit header.
 *
 * @param frequencyHz carrier, e.g. 869_525_000
 * @param spreadingFactor 6..12; SF6 requires the implicit header (datasheet 4.1.1.2)
 * @param implicitPayloadLength payload length for implicit-header reception (RegPayloadLength), 1..255
 * @param txPowerDbm output power on PA_BOOST, 2..20 dBm
 * @param overCurrentMilliamps RegOcp limit, 45..240 mA, or 0 to choose by power (100 mA up to 17 dBm, 140 above)
 */
public record LoRaSettings(long frequencyHz, int spreadingFactor, Bandwidth bandwidth, CodingRate codingRate,
                           int preambleLength, int syncWord, boolean crc, boolean implicitHeader,
                           int implicitPayloadLength, LowDataRateOptimize lowDataRateOptimize, int txPowerDbm,
                           int overCurrentMilliamps) {
    public LoRaSettings {
        // SX1276: 137..1020 MHz; SX1278 (433 modules) 137..525 MHz. The band check per module is the board's job.
        if (frequencyHz < 137_000_000L || frequencyHz > 1_020_000_000L) {
            throw new IllegalArgumentException("frequency must be 137..1020 MHz, got " + frequencyHz + " Hz");
        }
        TimeOnAir.checkSpreadingFactor(spreadingFactor);
        if (bandwidth == null || codingRate == null || lowDataRateOptimize == null) {
            throw new IllegalArgumentException("bandwidth, coding rate and LowDataRateOptimize must be set");
        }
        if (preambleLength < 6 || preambleLength > 65535) {
            throw new IllegalArgumentException("preamble length must be 6..65535 symbols, got " + preambleLength);
        }
        if (syncWord < 0 || syncWord > 0xFF) throw new IllegalArgumentException("sync word must be one byte");
        if (spreadingFactor == 6 && !implicitHeader) {
            throw new IllegalArgumentException("SF6 works only with the implicit header (SX1276 datasheet 4.1.1.2)");
        }
        if (implicitPayloadLength < 1 || implicitPayloadLength > 255) {
            throw new IllegalArgumentException("implicit payload length must be 1..255, got " + implicitPayloadLength);
        }
        if (txPowerDbm < 2 || txPowerDbm > 20) {
            throw new IllegalArgumentException("PA_BOOST power must be 2..20 dBm, got " + txPowerDbm);
        }
        if (overCurrentMilliamps != 0 && (overCurrentMilliamps < 45 || overCurrentMilliamps > 240)) {
            throw new IllegalArgumentException("over-current limit must be 45..240 mA or 0, got " + overCurrentMilliamps);
        }
    }

    /** SX127x private-network defaults on 869.525 MHz: SF9, 125 kHz, 4/5, preamble 8, sync word 0x12, CRC on. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.frequencyHz = frequencyHz;
        b.spreadingFactor = spreadingFactor;
        b.bandwidth = bandwidth;
        b.codingRate = codingRate;
        b.preambleLength = preambleLength;
        b.syncWord = syncWord;
        b.crc = crc;
        b.implicitHeader = implicitHeader;
        b.implicitPayloadLength = implicitPayloadLength;
        b.lowDataRateOptimize = lowDataRateOptimize;
        b.txPowerDbm = txPowerDbm;
        b.overCurrentMilliamps = overCurrentMilliamps;
        return b;
    }

    public boolean lowDataRateOptimizeEnabled() {
        return lowDataRateOptimize.resolve(spreadingFactor, bandwidth);
    }

    public long symbolNanos() {
        return TimeOnAir.symbolNanos(spreadingFactor, bandwidth);
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
        private LowDataRateOptimize lowDataRateOptimize = LowDataRateOptimize.AUTO;
        private int txPowerDbm = 14;
        private int overCurrentMilliamps;

        public Builder frequencyHz(long v) { frequencyHz = v; return this; }
        public Builder spreadingFactor(int v) { spreadingFactor = v; return this; }
        public Builder bandwidth(Bandwidth v) { bandwidth = v; return this; }
        public Builder codingRate(CodingRate v) { codingRate = v; return this; }
        public Builder preambleLength(int v) { preambleLength = v; return this; }
        public Builder syncWord(int v) { syncWord = v; return this; }
        public Builder crc(boolean v) { crc = v; return this; }
        public Builder implicitHeader(boolean v) { implicitHeader = v; return this; }
        public Builder implicitPayloadLength(int v) { implicitPayloadLength = v; return this; }
        public Builder lowDataRateOptimize(LowDataRateOptimize v) { lowDataRateOptimize = v; return this; }
        public Builder txPowerDbm(int v) { txPowerDbm = v; return this; }
        public Builder overCurrentMilliamps(int v) { overCurrentMilliamps = v; return this; }

        public LoRaSettings build() {
            return new LoRaSettings(frequencyHz, spreadingFactor, bandwidth, codingRate, preambleLength, syncWord,
                    crc, implicitHeader, implicitPayloadLength, lowDataRateOptimize, txPowerDbm, overCurrentMilliamps);
        }
    }
}
