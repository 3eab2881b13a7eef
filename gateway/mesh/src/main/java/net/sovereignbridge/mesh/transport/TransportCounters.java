package net.sovereignbridge.mesh.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.mesh.frame.DecodeError;

/** Per-transport traffic counters; drops are counted by reason so an operator sees what peers send wrong. */
public final class TransportCounters {
    public final AtomicLong framesIn = new AtomicLong();
    public final AtomicLong framesOut = new AtomicLong();
    public final AtomicLong bytesIn = new AtomicLong();
    public final AtomicLong bytesOut = new AtomicLong();
    public final AtomicLong sendFailures = new AtomicLong();
    private final Map<DecodeError, AtomicLong> drops = new EnumMap<>(DecodeError.class);

    public TransportCounters() {
        for (DecodeError e : DecodeError.values()) drops.put(e, new AtomicLong());
    }

    public void drop(DecodeError reason) {
        drops.get(reason).incrementAndGet();
    }

    public long drops(DecodeError reason) {
        return drops.get(reason).get();
    }

    public long totalDrops() {
        return drops.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Non-zero drop counters, in enum order. */
    public Map<DecodeError, Long> dropsByReason() {
        Map<DecodeError, Long> out = new EnumMap<>(DecodeError.class);
        drops.forEach((k, v) -> {
            if (v.get() > 0) out.put(k, v.get());
        });
        return out;
    }
}
