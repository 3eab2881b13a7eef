package net.sovereignbridge.drivers.kiss;

import java.util.ArrayList;
import java.util.List;

/**
 * The KISS TNC parameters a host sets after opening the port. Values are in the units the KISS spec gives:
 * {@code txDelay} and {@code slotTime} and {@code txTail} in 10 ms steps, {@code persistence} as p*256-1 (0..255).
 *
 * @param txDelay keyed carrier before data (TXDELAY, command 1)
 * @param persistence p-persistence CSMA parameter (P, command 2)
 * @param slotTime CSMA slot interval (SLOTTIME, command 3)
 * @param txTail time the carrier is held after the data (TXTAIL, command 4; obsolete on most TNCs but harmless)
 * @param fullDuplex transmit without waiting for a clear channel (FULLDUPLEX, command 5)
 */
public record TncParameters(int txDelay, int persistence, int slotTime, int txTail, boolean fullDuplex) {
    public TncParameters {
        check("txDelay", txDelay);
        check("persistence", persistence);
        check("slotTime", slotTime);
        check("txTail", txTail);
    }

    /** The spec's defaults: TXDELAY 50 (500 ms), P 63 (0.25), SLOTTIME 10 (100 ms), TXTAIL 0, half duplex. */
    public static TncParameters defaults() {
        return new TncParameters(50, 63, 10, 0, false);
    }

    private static void check(String name, int v) {
        if (v < 0 || v > 255) throw new IllegalArgumentException(name + " must be 0..255, got " + v);
    }

    /** The five command frames for TNC port {@code port}, in the order TXDELAY, P, SLOTTIME, TXTAIL, FULLDUPLEX. */
    public List<byte[]> commandFrames(int port) {
        List<byte[]> out = new ArrayList<>(5);
        out.add(Kiss.encode(Kiss.typeByte(port, Kiss.TXDELAY), new byte[] {(byte) txDelay}));
        out.add(Kiss.encode(Kiss.typeByte(port, Kiss.PERSISTENCE), new byte[] {(byte) persistence}));
        out.add(Kiss.encode(Kiss.typeByte(port, Kiss.SLOTTIME), new byte[] {(byte) slotTime}));
        out.add(Kiss.encode(Kiss.typeByte(port, Kiss.TXTAIL), new byte[] {(byte) txTail}));
        out.add(Kiss.encode(Kiss.typeByte(port, Kiss.FULLDUPLEX), new byte[] {(byte) (fullDuplex ? 1 : 0)}));
        return out;
    }
}
