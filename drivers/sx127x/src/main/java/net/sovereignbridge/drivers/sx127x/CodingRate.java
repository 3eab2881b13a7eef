package net.sovereignbridge.drivers.sx127x;

/** LoRa forward error correction rate; {@link #code()} is RegModemConfig1 bits 3..1 and "CR" in AN1200.13. */
public enum CodingRate {
    CR_4_5(1), CR_4_6(2), CR_4_7(3), CR_4_8(4);

    private final int code;

    CodingRate(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static CodingRate ofCode(int code) {
        for (CodingRate c : values()) if (c.code == code) return c;
        throw new IllegalArgumentException("no coding rate has code " + code);
    }

    /** Parses "4/5".."4/8". */
    public static CodingRate parse(String text) {
        for (CodingRate c : values()) if (c.toString().equals(text.trim())) return c;
        throw new IllegalArgumentException("coding rate must be one of 4/5, 4/6, 4/7, 4/8, got '" + text + "'");
    }

    @Override
    public String toString() {
        return "4/" + (code + 4);
    }
}
