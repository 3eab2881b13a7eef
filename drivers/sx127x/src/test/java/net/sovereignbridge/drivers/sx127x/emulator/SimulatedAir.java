package net.sovereignbridge.drivers.sx127x.emulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The medium between emulated radios (SX127x and SX126x emulators alike, see {@link AirRadio}). A frame occupies the air from its start to its end (time on air from the
 * sender's registers); when it ends, every other radio decides whether it heard it (mode, channel, sync word,
 * collisions, link loss). There is no capture effect: two overlapping frames on the same channel destroy each
 * other at every receiver. Frequencies, spreading factors or bandwidths that differ do not interfere.
 */
public final class SimulatedAir {
    private final AirClock clock;
    private final Random random;
    private final List<AirRadio> radios = new CopyOnWriteArrayList<>();
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

    /** Puts another chip's emulator on this air (e.g. drivers/sx126x's). */
    public void attach(AirRadio radio) {
        for (AirRadio r : radios) {
            if (r.name().equals(radio.name())) throw new IllegalArgumentException("a radio named " + r.name() + " is on this air");
        }
        radios.add(radio);
    }

    public synchronized void setDefaultLink(LinkConditions conditions) {
        defaultLink = conditions;
    }

    /** Conditions from {@code sender} to {@code receiver} (one direction). */
    public synchronized void setLink(AirRadio sender, AirRadio receiver, LinkConditions conditions) {
        links.put(sender.name() + "->" + receiver.name(), conditions);
    }

    public synchronized LinkConditions link(AirRadio sender, AirRadio receiver) {
        return links.getOrDefault(sender.name() + "->" + receiver.name(), defaultLink);
    }

    public synchronized double nextRandom() {
        return random.nextDouble();
    }

    public synchronized long nextFrameId() {
        return nextFrameId++;
    }

    /** Called by a radio entering TX. Schedules the end of the frame. */
    public void transmit(AirFrame frame) {
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
            for (AirRadio r : radios) {
                if (r != frame.sender()) r.frameEnded(frame);
            }
        });
    }

    /** Frames that overlap {@code frame} in time and interfere with it at the receiver. */
    public synchronized boolean collides(AirFrame frame, AirRadio receiver) {
        for (AirFrame other : frames) {
            if (other == frame || other.sender() == receiver || !other.overlaps(frame)) continue;
            if (other.sameChannelAs(frame.frequencyHz(), frame.spreadingFactor(), frame.bandwidthHz())) return true;
        }
        return false;
    }

    /** Whether a preamble on the given channel is on the air at some time within [from, to] (for CAD). */
    public synchronized boolean preambleDuring(long from, long to, double frequencyHz, int sf, double bandwidthHz,
                                              AirRadio listener) {
        for (AirFrame f : frames) {
            if (f.sender() == listener) continue;
            if (f.startNanos() < to && from < f.preambleEndNanos() && f.sameChannelAs(frequencyHz, sf, bandwidthHz)) return true;
        }
        return false;
    }

    private final java.util.Set<Long> abortedFrames = new java.util.HashSet<>();

    /** The sender left TX (or was reset) before the frame ended: nobody can decode it. */
    public synchronized void abort(AirFrame frame) {
        abortedFrames.add(frame.id());
    }

    public synchronized boolean aborted(AirFrame frame) {
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
