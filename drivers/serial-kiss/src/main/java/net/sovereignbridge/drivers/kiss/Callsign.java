package net.sovereignbridge.drivers.kiss;

import java.util.Locale;

/**
 * An AX.25 station address: 1 to 6 upper-case letters or digits and an SSID 0..15 ("N0CALL-7"). Encoded in 7 bytes:
 * the six characters space-padded and shifted left one bit, then the SSID byte {@code C R R S S S S X} (C the
 * command/response bit, RR reserved and sent as 1, X set on the last address of the header).
 */
public record Callsign(String call, int ssid) {
    public static final int ENCODED_BYTES = 7;

    public Callsign {
        if (call == null || call.isEmpty() || call.length() > 6) {
            throw new IllegalArgumentException("callsign must be 1 to 6 characters, got '" + call + "'");
        }
        for (int i = 0; i < call.length(); i++) {
            char c = call.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                throw new IllegalArgumentException("callsign '" + call + "' may hold only A-Z and 0-9");
            }
        }
        if (ssid < 0 || ssid > 15) throw new IllegalArgumentException("SSID must be 0..15, got " + ssid);
    }

    /** "N0CALL" or "N0CALL-7" (case-insensitive). */
    public static Callsign parse(String text) {
        if (text == null) throw new IllegalArgumentException("callsign missing");
        String t = text.trim().toUpperCase(Locale.ROOT);
        int dash = t.indexOf('-');
        if (dash < 0) return new Callsign(t, 0);
        String s = t.substring(dash + 1);
        if (!s.matches("\\d{1,2}")) throw new IllegalArgumentException("SSID of '" + text + "' must be 0..15");
        return new Callsign(t.substring(0, dash), Integer.parseInt(s));
    }

    void encodeInto(byte[] out, int off, boolean commandBit, boolean last) {
        for (int i = 0; i < 6; i++) {
            char c = i < call.length() ? call.charAt(i) : ' ';
            out[off + i] = (byte) (c << 1);
        }
        out[off + 6] = (byte) ((commandBit ? 0x80 : 0) | 0x60 | (ssid << 1) | (last ? 1 : 0));
    }

    /** Reads the address at {@code off}; throws {@link Ax25Exception} for characters no station may use. */
    static Callsign decode(byte[] in, int off) throws Ax25Exception {
        StringBuilder sb = new StringBuilder(6);
        boolean padding = false;
        for (int i = 0; i < 6; i++) {
            int b = in[off + i] & 0xFF;
            if ((b & 1) != 0) throw new Ax25Exception("address byte " + (off + i) + " has its extension bit set");
            char c = (char) (b >> 1);
            if (c == ' ') {
                padding = true;
                continue;
            }
            if (padding || !((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                throw new Ax25Exception(String.format("address byte %d is not a callsign character (0x%02x)", off + i, b));
            }
            sb.append(c);
        }
        if (sb.isEmpty()) throw new Ax25Exception("empty callsign at byte " + off);
        return new Callsign(sb.toString(), (in[off + 6] >> 1) & 0x0F);
    }

    @Override
    public String toString() {
        return ssid == 0 ? call : call + "-" + ssid;
    }
}
