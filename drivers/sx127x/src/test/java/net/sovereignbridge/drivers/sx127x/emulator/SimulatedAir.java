package net.sovereignbridge.drivers.sx127x.emulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The medium between emulated radios. A frame occupies the air from its start to its end (time on air from the
 * sender's registers); when it ends, every other radio decides whether it heard it (mode, channel, sync word,
 * collisions, link loss). There is no capture effect: two overlapping frames on the same channel destroy each
 * other at every receiver. Frequencies, spreading factors or bandwidths that differ do not interfere.
 */
public final class SimulatedAir {
    private final AirClock clock;
    private final Random random;
    private final List<EmulatedSx127x> radios = new CopyOnWriteArrayList<>();
    private final List<AirFrame> frames = new ArrayList<>();
    private final Map<String, LinkConditions> links = new HashMap<>();
    private LinkConditions defaultLink = LinkConditions.GOOD;
    private long nextFrameId;
    private long framesSent;
    private long airtimeNanos;

    public SimulatedAir(AirClock clock, long seed) {
        this.clock = clock;
        this.random = new Random(seed);
    }

    public AirClock clock() {
        return clock;
    }

    /** A new radio on this air; its registers hold their power-on values. */
    public EmulatedSx127x newRadio(String name) {
        EmulatedSx127x radio = new EmulatedSx127x(name, this);
        radios.add(radio);
        return radio;
    }

    public synchronized void setDefaultLink(LinkConditions conditions) {
        defaultLink = conditions;
    }

    /** Conditions from {@code sender} to {@code receiver} (one direction). */
    public synchronized void setLink(EmulatedSx127x sender, EmulatedSx127x receiver, LinkConditions conditions) {
        links.put(sender.name() + "->" + receiver.name(), conditions);
    }

    synchronized LinkConditions link(EmulatedSx127x sender, EmulatedSx127x receiver) {
        return links.getOrDefault(sender.name() + "->" + receiver.name(), defaultLink);
    }

    synchronized double nextRandom() {
        return random.nextDouble();
    }

    synchronized long nextFrameId() {
        return nextFrameId++;
    }

    /** Called by a radio entering TX. Schedules the end of the frame. */
    void transmit(AirFrame frame) {
        synchronized (this) {
            frames.add(frame);
            framesSent++;
            airtimeNanos += frame.endNanos() - frame.startNanos();
            // forget frames that ended long ago (nothing can overlap them any more)
            long horizon = frame.startNanos() - 600_000_000_000L;
            frames.removeIf(f -> f.endNanos() < horizon);
        }
        clock.schedule(frame.endNanos(), () -> {
            frame.sender().transmissionEnded(frame);
            for (EmulatedSx127x r : radios) {
                if (r != frame.sender()) r.frameEnded(frame);
            }
        });
    }

    /** Frames that overlap {@code frame} in time and interfere with it at the receiver. */
    synchronized boolean collides(AirFrame frame, EmulatedSx127x receiver) {
        for (AirFrame other : frames) {
            if (other == frame || other.sender() == receiver || !other.overlaps(frame)) continue;
            if (other.sameChannelAs(frame.frf(), frame.spreadingFactor(), frame.bandwidthCode())) return true;
        }
        return false;
    }

    /** Whether a preamble on the given channel is on the air at some time within [from, to] (for CAD). */
    synchronized boolean preambleDuring(long from, long to, int frf, int sf, int bwCode, EmulatedSx127x listener) {
        for (AirFrame f : frames) {
            if (f.sender() == listener) continue;
            if (f.startNanos() < to && from < f.preambleEndNanos() && f.sameChannelAs(frf, sf, bwCode)) return true;
        }
        return false;
    }

    private final java.util.Set<Long> abortedFrames = new java.util.HashSet<>();

    /** The sender left TX (or was reset) before the frame ended: nobody can decode it. */
    synchronized void abort(AirFrame frame) {
        abortedFrames.add(frame.id());
    }

    synchronized boolean aborted(AirFrame frame) {
        return abortedFrames.contains(frame.id());
    }

    /** Frames put on the air so far and their total time on air. */
    public synchronized long framesSent() {
        return framesSent;
    }

    public synchronized long airtimeNanos() {
        return airtimeNanos;
    }
}
