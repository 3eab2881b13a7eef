package net.sovereignbridge.drivers.sx127x.emulator;

/**
 * One LoRa transmission on the simulated air, with the modem parameters the sender's registers held when TX began.
 *
 * @param frf RegFrf value (61.035 Hz steps)
 * @param bandwidthCode RegModemConfig1 bits 7..4
 * @param codingRateCode RegModemConfig1 bits 3..1
 * @param preambleEndNanos air time at which the preamble (including the 4.25 sync symbols) ends
 */
public record AirFrame(EmulatedSx127x sender, long id, int frf, int spreadingFactor, int bandwidthCode,
                       int codingRateCode, boolean implicitHeader, boolean crcOn, boolean lowDataRateOptimize,
                       int preambleLength, int syncWord, byte[] payload, long startNanos, long preambleEndNanos,
                       long endNanos, long symbolNanos) {

    public boolean overlaps(AirFrame other) {
        return startNanos < other.endNanos && other.startNanos < endNanos;
    }

    /** Same spreading factor and bandwidth, carriers within a quarter of the bandwidth: the chirps interfere. */
    public boolean sameChannelAs(int otherFrf, int otherSf, int otherBwCode) {
        if (otherSf != spreadingFactor || otherBwCode != bandwidthCode) return false;
        double offsetHz = Math.abs((long) frf - otherFrf) * EmulatedSx127x.FSTEP_HZ;
        return offsetHz <= EmulatedSx127x.bandwidthHz(bandwidthCode) / 4;
    }
}
