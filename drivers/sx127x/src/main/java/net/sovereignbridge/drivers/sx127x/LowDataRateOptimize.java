package net.sovereignbridge.drivers.sx127x;

/**
 * Whether RegModemConfig3 bit 3 is set. AUTO applies the datasheet rule: on when the symbol time 2^SF/BW is at
 * least 16 ms (Semtech SX1276 datasheet 4.1.1.6 "LowDataRateOptimize ... mandated for when the symbol length
 * exceeds 16 ms"). Both ends of a link must agree, so forcing it is possible for odd peers.
 */
public enum LowDataRateOptimize {
    AUTO, ON, OFF;

    /**
     * The 16 ms rule in integers: Tsym = 2^SF * divisor / 500 kHz >= 16 ms  <=>  2^SF * divisor >= 8000.
     * (Integer kHz division gets SF11/125 kHz wrong: 2048/125 = 16 in integers but the rule must say 16.384.)
     */
    public static boolean requiredFor(int spreadingFactor, Bandwidth bandwidth) {
        return (1L << spreadingFactor) * bandwidth.divisorOf500kHz() >= 8000L;
    }

    public boolean resolve(int spreadingFactor, Bandwidth bandwidth) {
        return switch (this) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> requiredFor(spreadingFactor, bandwidth);
        };
    }
}
