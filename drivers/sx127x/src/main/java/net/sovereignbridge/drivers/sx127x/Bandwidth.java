package net.sovereignbridge.drivers.sx127x;

/**
 * LoRa signal bandwidths of the SX127x, with their RegModemConfig1 bits 7..4 code (Semtech SX1276 datasheet,
 * table "RegModemConfig1", bandwidth 0 = 7.8 kHz .. 9 = 500 kHz). Each is 500 kHz divided by an integer, which
 * keeps symbol times exact in nanoseconds: Tsym = 2^SF / BW = 2^SF * divisor / 500 kHz.
 */
public enum Bandwidth {
    BW_7_8(0, 64),
    BW_10_4(1, 48),
    BW_15_6(2, 32),
    BW_20_8(3, 24),
    BW_31_25(4, 16),
    BW_41_7(5, 12),
    BW_62_5(6, 8),
    BW_125(7, 4),
    BW_250(8, 2),
    BW_500(9, 1);

    private final int code;
    private final int divisorOf500kHz;

    Bandwidth(int code, int divisorOf500kHz) {
        this.code = code;
        this.divisorOf500kHz = divisorOf500kHz;
    }

    /** Value of RegModemConfig1 bits 7..4. */
    public int code() {
        return code;
    }

    public int divisorOf500kHz() {
        return divisorOf500kHz;
    }

    public double hertz() {
        return 500_000.0 / divisorOf500kHz;
    }

    public double kilohertz() {
        return hertz() / 1000.0;
    }

    public static Bandwidth ofCode(int code) {
        for (Bandwidth b : values()) if (b.code == code) return b;
        throw new IllegalArgumentException("no LoRa bandwidth has code " + code);
    }

    /** Accepts the usual kHz spellings: 7.8, 10.4, 15.6, 20.8, 31.25, 41.7, 62.5, 125, 250, 500. */
    public static Bandwidth ofKilohertz(double khz) {
        for (Bandwidth b : values()) {
            if (Math.abs(b.kilohertz() - khz) < 0.06) return b;
        }
        throw new IllegalArgumentException("no LoRa bandwidth of " + khz
                + " kHz (one of 7.8, 10.4, 15.6, 20.8, 31.25, 41.7, 62.5, 125, 250, 500)");
    }

    @Override
    public String toString() {
        double k = kilohertz();
        return (k == Math.rint(k) ? String.valueOf((long) k) : String.format(java.util.Locale.ROOT, "%.2f", k)
                .replaceAll("0+$", "")) + " kHz";
    }
}
