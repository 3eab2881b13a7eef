package net.sovereignbridge.drivers.sx126x;

/**
 * Supply voltage the chip puts on DIO3 for a temperature-compensated crystal oscillator (SetDIO3AsTcxoCtrl, datasheet
 * 13.3.6: codes 0..7). Most E22 and RAK modules want 1.8 V; meshtasticd's {@code DIO3_TCXO_VOLTAGE: true} means 1.8 V.
 */
public enum TcxoVoltage {
    V1_6(0x00, 1.6), V1_7(0x01, 1.7), V1_8(0x02, 1.8), V2_2(0x03, 2.2), V2_4(0x04, 2.4), V2_7(0x05, 2.7),
    V3_0(0x06, 3.0), V3_3(0x07, 3.3);

    private final int code;
    private final double volts;

    TcxoVoltage(int code, double volts) {
        this.code = code;
        this.volts = volts;
    }

    public int code() {
        return code;
    }

    public double volts() {
        return volts;
    }

    /** The voltage within 0.05 V of {@code volts}. */
    public static java.util.Optional<TcxoVoltage> ofVolts(double volts) {
        for (TcxoVoltage v : values()) if (Math.abs(v.volts - volts) < 0.05) return java.util.Optional.of(v);
        return java.util.Optional.empty();
    }

    @Override
    public String toString() {
        return volts + " V";
    }
}
