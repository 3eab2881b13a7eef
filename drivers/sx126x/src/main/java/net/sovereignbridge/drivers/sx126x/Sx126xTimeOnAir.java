package net.sovereignbridge.drivers.sx126x;

/**
 * Time on air of one LoRa packet on an SX126x (Semtech SX1261/2 datasheet 6.1.4, "LoRa Time-on-Air"):
 * <pre>
 * SF7..SF12: Nsym = Npreamble + 4.25 + 8 + ceil(max(8*PL + 16*CRC - 4*SF + 8 + 20*EH, 0) / (4*(SF - 2*LDRO))) * (CR+4)
 * SF5, SF6:  Nsym = Npreamble + 6.25 + 8 + ceil(max(8*PL + 16*CRC - 4*SF + 20*EH, 0) / (4*SF)) * (CR+4)
 * ToA = Nsym * 2^SF / BW            (EH = 1 with the explicit header, CR = 1..4 for 4/5..4/8)
 * </pre>
 * For SF7..SF12 this is Semtech AN1200.13's formula for the SX127x, so both chips agree on a shared channel.
 */
public final class Sx126xTimeOnAir {
    private Sx126xTimeOnAir() {}

    /** Payload symbols (the "8 + ceil(...) * (CR+4)" part). */
    public static int payloadSymbols(int sf, int codingRate, boolean implicitHeader, boolean crc, boolean ldro,
                                     int payloadLength) {
        if (sf < 5 || sf > 12) throw new IllegalArgumentException("spreading factor must be 5..12, got " + sf);
        if (payloadLength < 0 || payloadLength > 255) {
            throw new IllegalArgumentException("payload length must be 0..255, got " + payloadLength);
        }
        boolean low = sf < 7;
        int numerator = 8 * payloadLength + (crc ? 16 : 0) - 4 * sf + (low ? 0 : 8) + (implicitHeader ? 0 : 20);
        int denominator = 4 * (sf - (ldro && !low ? 2 : 0));
        int blocks = numerator <= 0 ? 0 : (numerator + denominator - 1) / denominator;
        return 8 + blocks * (codingRate + 4);
    }

    /** @param symbolNanos 2^SF / BW in nanoseconds (a multiple of 4) */
    public static long nanos(int sf, long symbolNanos, int codingRate, int preambleLength, boolean implicitHeader,
                             boolean crc, boolean ldro, int payloadLength) {
        long quarterSymbols = 4L * preambleLength + (sf < 7 ? 25 : 17);
        return symbolNanos * quarterSymbols / 4
                + payloadSymbols(sf, codingRate, implicitHeader, crc, ldro, payloadLength) * symbolNanos;
    }

    public static long nanos(Sx126xSettings s, int payloadLength) {
        return nanos(s.spreadingFactor(), s.symbolNanos(), s.codingRate().code(), s.preambleLength(),
                s.implicitHeader(), s.crc(), s.lowDataRateOptimizeEnabled(), payloadLength);
    }
}
