package net.sovereignbridge.drivers.rnode;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The air between emulated RNodes: a LoRa frame one of them transmits reaches every other one whose radio is on with
 * the same chip frequency, bandwidth, spreading factor and coding rate, after the frame's time on air, with the
 * RSSI and SNR this air gives every frame. A radio that is transmitting hears nothing (half duplex), and the channel
 * counts as busy while a frame is on it, which the emulated RNodes' listen-before-talk waits for.
 */
public final class RNodeAir {
    private final List<EmulatedRNode> radios = new CopyOnWriteArrayList<>();
    private final int rssiDbm;
    private final double snrDb;
    private long busyUntilNanos;

    public RNodeAir(int rssiDbm, double snrDb) {
        this.rssiDbm = rssiDbm;
        this.snrDb = snrDb;
    }

    void join(EmulatedRNode radio) {
        radios.add(radio);
    }

    void leave(EmulatedRNode radio) {
        radios.remove(radio);
    }

    /** Whether a frame is on the air now (one channel per air is enough for these tests). */
    synchronized boolean busy() {
        return System.nanoTime() < busyUntilNanos;
    }

    synchronized void occupy(long nanos) {
        busyUntilNanos = Math.max(busyUntilNanos, System.nanoTime() + nanos);
    }

    /** Delivers a transmitted LoRa frame (the RNode's header byte included) to the other radios that can hear it. */
    void carry(EmulatedRNode from, EmulatedRNode.ChipSettings on, byte[] loraFrame) {
        for (EmulatedRNode r : radios) {
            if (r != from) r.hear(on, loraFrame, rssiDbm, snrDb);
        }
    }
}
