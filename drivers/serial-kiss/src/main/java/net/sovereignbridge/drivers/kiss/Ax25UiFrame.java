package net.sovereignbridge.drivers.kiss;

import java.util.ArrayList;
import java.util.List;

/**
 * An AX.25 UI (unnumbered information) frame as KISS carries it, without flags and FCS (the TNC adds those):
 * destination (7), source (7), up to 8 digipeaters (7 each), control 0x03, PID, information. Layout and vectors:
 * docs/serial.md.
 */
public record Ax25UiFrame(Callsign destination, Callsign source, List<Callsign> digipeaters, int pid, byte[] info) {
    public static final int CONTROL_UI = 0x03;
    /** "No layer 3 protocol": what APRS and Reticulum's AX25KISSInterface use. */
    public static final int PID_NO_LAYER3 = 0xF0;
    public static final int MAX_DIGIPEATERS = 8;
    /** Header bytes without digipeaters: two addresses, control, PID. */
    public static final int HEADER_BYTES = 2 * Callsign.ENCODED_BYTES + 2;

    public Ax25UiFrame {
        if (digipeaters.size() > MAX_DIGIPEATERS) throw new IllegalArgumentException("at most 8 digipeaters");
        digipeaters = List.copyOf(digipeaters);
        if (pid < 0 || pid > 0xFF) throw new IllegalArgumentException("PID must be one byte");
    }

    public static Ax25UiFrame of(Callsign destination, Callsign source, byte[] info) {
        return new Ax25UiFrame(destination, source, List.of(), PID_NO_LAYER3, info);
    }

    public byte[] encode() {
        int addresses = 2 + digipeaters.size();
        byte[] out = new byte[addresses * Callsign.ENCODED_BYTES + 2 + info.length];
        destination.encodeInto(out, 0, true, false);
        source.encodeInto(out, 7, false, digipeaters.isEmpty());
        for (int i = 0; i < digipeaters.size(); i++) {
            digipeaters.get(i).encodeInto(out, 14 + 7 * i, false, i == digipeaters.size() - 1);
        }
        int p = addresses * Callsign.ENCODED_BYTES;
        out[p] = (byte) CONTROL_UI;
        out[p + 1] = (byte) pid;
        System.arraycopy(info, 0, out, p + 2, info.length);
        return out;
    }

    /** Decodes a UI frame; anything else (I and S frames, U frames other than UI, bad addresses) is refused. */
    public static Ax25UiFrame decode(byte[] in) throws Ax25Exception {
        if (in.length < HEADER_BYTES) {
            throw new Ax25Exception("AX.25 frame of " + in.length + " bytes is shorter than its " + HEADER_BYTES
                    + "-byte header");
        }
        Callsign dest = Callsign.decode(in, 0);
        Callsign src = Callsign.decode(in, 7);
        List<Callsign> digis = new ArrayList<>();
        int end = 14;
        boolean last = (in[13] & 1) != 0;
        while (!last) {
            if (digis.size() == MAX_DIGIPEATERS) throw new Ax25Exception("more than 8 digipeater addresses");
            if (in.length < end + 7 + 2) throw new Ax25Exception("address field runs past the frame's end at byte " + end);
            digis.add(Callsign.decode(in, end));
            last = (in[end + 6] & 1) != 0;
            end += 7;
        }
        int control = in[end] & 0xFF;
        // the poll/final bit (0x10) may be set on a UI frame
        if ((control & ~0x10) != CONTROL_UI) {
            throw new Ax25Exception(String.format("control byte %d is 0x%02x, not a UI frame (0x03)", end, control));
        }
        int pid = in[end + 1] & 0xFF;
        byte[] info = java.util.Arrays.copyOfRange(in, end + 2, in.length);
        return new Ax25UiFrame(dest, src, digis, pid, info);
    }
}
