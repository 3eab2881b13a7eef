package net.sovereignbridge.drivers.sx127x.emulator;

/**
 * How one emulated radio hears another: the RSSI and SNR the receiver reports, the probability that a frame is not
 * heard at all, and the probability that it arrives corrupted (CRC error when a CRC is present).
 */
public record LinkConditions(double rssiDbm, double snrDb, double lossProbability, double corruptionProbability) {
    public static final LinkConditions GOOD = new LinkConditions(-60, 9.5, 0, 0);

    public LinkConditions {
        if (lossProbability < 0 || lossProbability > 1 || corruptionProbability < 0 || corruptionProbability > 1) {
            throw new IllegalArgumentException("probabilities must be within 0..1");
        }
    }

    public LinkConditions withLoss(double p) {
        return new LinkConditions(rssiDbm, snrDb, p, corruptionProbability);
    }

    public LinkConditions withCorruption(double p) {
        return new LinkConditions(rssiDbm, snrDb, lossProbability, p);
    }
}
