package net.sovereignbridge.mesh.transport;

/**
 * What a transport knows about one received frame or one neighbour. Fields a medium cannot measure are
 * NaN (rssi, snr) or -1 (rtt).
 *
 * @param rssiDbm received signal strength
 * @param snrDb signal to noise ratio
 * @param rttMillis measured round trip time
 * @param lossRatio estimated frame loss, 0..1
 */
public record LinkQuality(double rssiDbm, double snrDb, long rttMillis, double lossRatio) {
    public static final LinkQuality UNKNOWN = new LinkQuality(Double.NaN, Double.NaN, -1, 0.0);
}
