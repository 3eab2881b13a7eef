package net.sovereignbridge.drivers.sx127x;

/**
 * Time on air of one LoRa packet, per Semtech AN1200.13 "LoRa Modem Designer's Guide", section 4:
 * <pre>
 * Tsym      = 2^SF / BW
 * Tpreamble = (Npreamble + 4.25) * Tsym
 * nPayload  = 8 + max(ceil((8*PL - 4*SF + 28 + 16*CRC - 20*IH) / (4*(SF - 2*DE))) * (CR + 4), 0)
 * ToA       = Tpreamble + nPayload * Tsym
 * </pre>
 * Computed exactly in nanoseconds: every bandwidth is 500 kHz / divisor, so Tsym = 2^SF * divisor * 2000 ns,
 * and the 0.25 symbol of the preamble is an exact multiple of 500 ns.
 */
public final class TimeOnAir {
    private TimeOnAir() {}

    public static long symbolNanos(int spreadingFactor, Bandwidth bandwidth) {
        checkSpreadingFactor(spreadingFactor);
        return (1L << spreadingFactor) * bandwidth.divisorOf500kHz() * 2000L;
    }

    /** Number of payload symbols (header, payload and CRC) per AN1200.13. */
    public static int payloadSymbols(int spreadingFactor, CodingRate codingRate, boolean implicitHeader,
                                     boolean crc, boolean lowDataRateOptimize, int payloadLength) {
        checkSpreadingFactor(spreadingFactor);
        if (payloadLength < 0 || payloadLength > 255) {
            throw new IllegalArgumentException("payload length must be 0..255, got " + payloadLength);
        }
        int numerator = 8 * payloadLength - 4 * spreadingFactor + 28 + (crc ? 16 : 0) - (implicitHeader ? 20 : 0);
        int denominator = 4 * (spreadingFactor - (lowDataRateOptimize ? 2 : 0));
        int blocks = numerator <= 0 ? 0 : (numerator + denominator - 1) / denominator;
        return 8 + blocks * (codingRate.code() + 4);
    }

    public static long nanos(int spreadingFactor, Bandwidth bandwidth, CodingRate codingRate, int preambleLength,
                             boolean implicitHeader, boolean crc, boolean lowDataRateOptimize, int payloadLength) {
        if (preambleLength < 6 || preambleLength > 65535) {
            throw new IllegalArgumentException("preamble length must be 6..65535 symbols, got " + preambleLength);
        }
        long tsym = symbolNanos(spreadingFactor, bandwidth);
        long preamble = tsym * (4L * preambleLength + 17) / 4; // (N + 4.25) * Tsym, exact: tsym is a multiple of 4
        int symbols = payloadSymbols(spreadingFactor, codingRate, implicitHeader, crc, lowDataRateOptimize,
                payloadLength);
        return preamble + symbols * tsym;
    }

    /** Time on air of a packet of {@code payloadLength} bytes sent with {@code settings}. */
    public static long nanos(LoRaSettings settings, int payloadLength) {
        return nanos(settings.spreadingFactor(), settings.bandwidth(), settings.codingRate(),
                settings.preambleLength(), settings.implicitHeader(), settings.crc(),
                settings.lowDataRateOptimizeEnabled(), payloadLength);
    }

    public static double millis(LoRaSettings settings, int payloadLength) {
        return nanos(settings, payloadLength) / 1e6;
    }

    static void checkSpreadingFactor(int sf) {
        if (sf < 6 || sf > 12) throw new IllegalArgumentException("spreading factor must be 6..12, got " + sf);
    }
}
