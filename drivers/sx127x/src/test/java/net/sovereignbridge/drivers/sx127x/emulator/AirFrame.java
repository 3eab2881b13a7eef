package net.sovereignbridge.drivers.sx127x.emulator;

/**
 * One LoRa transmission on the simulated air, with the modem parameters the sender held when TX began, in units
 * that do not depend on the chip family, so an SX127x and an SX126x emulator can hear each other.
 *
 * @param frequencyHz carrier in Hz (from the sender's Frf register, in that chip's synthesiser steps)
 * @param bandwidthHz LoRa signal bandwidth in Hz
 * @param codingRate 1..4 for 4/5..4/8
 * @param syncWord the two sync symbols in the SX126x register form (0x0740/0x0741): an SX127x sync byte s is
 *     {@link #syncWordOfSx127x(int)}, e.g. 0x12 = 0x1424 (private), 0x34 = 0x3444 (LoRaWAN), 0x2B = 0x24B4
 * @param invertedIq the chirps run downwards (LoRaWAN downlinks); both ends must agree
 * @param preambleEndNanos air time at which the preamble (including the sync symbols) ends
 */
public record AirFrame(AirRadio sender, long id, double frequencyHz, int spreadingFactor, double bandwidthHz,
                       int codingRate, boolean implicitHeader, boolean crcOn, boolean lowDataRateOptimize,
                       int preambleLength, int syncWord, boolean invertedIq, byte[] payload, long startNanos,
                       long preambleEndNanos, long endNanos, long symbolNanos) {

    public boolean overlaps(AirFrame other) {
        return startNanos < other.endNanos && other.startNanos < endNanos;
    }

    /** Same spreading factor and bandwidth, carriers within a quarter of the bandwidth: the chirps interfere. */
    public boolean sameChannelAs(double otherFrequencyHz, int otherSf, double otherBandwidthHz) {
        if (otherSf != spreadingFactor || Math.abs(otherBandwidthHz - bandwidthHz) > 1.0) return false;
        return Math.abs(frequencyHz - otherFrequencyHz) <= bandwidthHz / 4;
    }

    /**
     * The SX126x register form of an SX127x one-byte sync word (RegSyncWord 0x39): each nibble becomes the high
     * nibble of one byte whose low nibble is 4 (the mapping Semtech's and RadioLib's drivers use: 0x12 -> 0x1424).
     */
    public static int syncWordOfSx127x(int syncByte) {
        return (((syncByte & 0xF0) | 0x04) << 8) | (((syncByte & 0x0F) << 4) | 0x04);
    }
}
