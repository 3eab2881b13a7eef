package net.sovereignbridge.drivers.meshtastic;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The packets heard recently, keyed by (from, id), as a Meshtastic node keeps them to suppress the copies a flood
 * brings back: a packet is a duplicate while its record is younger than {@link #FLOOD_EXPIRE_NANOS} (10 minutes,
 * the firmware's FLOOD_EXPIRE_TIME), and hearing it again refreshes the record, so a copy circling for longer is
 * still caught. Id 0 is "not floodable" in Meshtastic and never recorded. Unlike the firmware's list, the table is
 * bounded: at {@code capacity} the oldest record goes, so that a peer inventing ids makes us forget old packets
 * (and perhaps accept one copy twice) rather than grow without limit.
 */
public final class PacketHistory {
    public static final long FLOOD_EXPIRE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final int capacity;
    private final LongSupplier nanoTime;
    /** (from << 32 | id) -> when last heard; access order, so the eldest entry is the least recently heard. */
    private final LinkedHashMap<Long, Long> heard;

    /** @param nanoTime a monotonic clock (System::nanoTime in production) */
    public PacketHistory(int capacity, LongSupplier nanoTime) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        this.capacity = capacity;
        this.nanoTime = nanoTime;
        this.heard = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true);
    }

    /**
     * Records (from, id) and says whether it had been heard within the expiry time.
     *
     * @return true for a duplicate (drop it, relay it not); false for a new packet, and always for id 0
     */
    public synchronized boolean seenRecently(int from, int id) {
        if (id == 0) return false;
        long now = nanoTime.getAsLong();
        expire(now);
        Long key = ((long) from << 32) | (id & 0xFFFF_FFFFL);
        Long last = heard.put(key, now);
        if (last != null) return true;
        if (heard.size() > capacity) {
            Iterator<Map.Entry<Long, Long>> eldest = heard.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return false;
    }

    public synchronized int size() {
        expire(nanoTime.getAsLong());
        return heard.size();
    }

    /** Drops records not heard for the expiry time; the eldest come first in access order. */
    private void expire(long now) {
        Iterator<Map.Entry<Long, Long>> it = heard.entrySet().iterator();
        while (it.hasNext()) {
            if (now - it.next().getValue() < FLOOD_EXPIRE_NANOS) break;
            it.remove();
        }
    }
}
