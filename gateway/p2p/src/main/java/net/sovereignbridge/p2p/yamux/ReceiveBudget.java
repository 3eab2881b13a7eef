package net.sovereignbridge.p2p.yamux;

/**
 * Receive-window credit that Yamux sessions reserve per stream, so the bytes a remote peer can make us
 * buffer stay under a fixed budget. A stream may hold at most its receive window of unread data (the
 * peer may only send what we granted, and we grant again only what the application read), so reserving
 * one window when a stream opens and releasing it when the stream is freed bounds the buffered bytes
 * by {@link #limit()} without counting each frame.
 *
 * <p>A budget may have a parent (per connection under the host-wide one): a reservation must fit both.
 * Part of a budget can be kept for streams we open ({@code keptForOutbound}): a remote peer opening
 * streams cannot spend it, so our own requests (ping, DHT, identify) still get a window when remote
 * peers have used up the inbound share.
 *
 * <p>Thread-safe; the lock of a child is taken before its parent's, never the other way.
 */
public final class ReceiveBudget {
    private final String name;
    private final long limit;
    private final long keptForOutbound;
    private final ReceiveBudget parent;
    private long reserved;
    private long peak;

    /**
     * @param name            for refusal reasons, e.g. "host" or "connection"
     * @param limit           bytes of receive window reservable at once
     * @param keptForOutbound part of {@code limit} that only streams we open may reserve
     */
    public ReceiveBudget(String name, long limit, long keptForOutbound) {
        this(name, limit, keptForOutbound, null);
    }

    private ReceiveBudget(String name, long limit, long keptForOutbound, ReceiveBudget parent) {
        if (limit < 0 || keptForOutbound < 0 || keptForOutbound > limit) {
            throw new IllegalArgumentException("budget " + name + ": limit " + limit + ", kept for outbound " + keptForOutbound);
        }
        this.name = name;
        this.limit = limit;
        this.keptForOutbound = keptForOutbound;
        this.parent = parent;
    }

    /** A budget that refuses nothing (a session on its own, tests). */
    public static ReceiveBudget unlimited() {
        return new ReceiveBudget("unlimited", Long.MAX_VALUE, 0);
    }

    /** A budget of at most {@code childLimit} whose reservations also count against this one. */
    public ReceiveBudget child(String childName, long childLimit) {
        return child(childName, childLimit, 0);
    }

    /**
     * A child budget of which {@code keptForOutbound} is for streams we open: e.g. one remote address's
     * share of the host, where streams it opens may reserve {@code childLimit - keptForOutbound} and our
     * own streams to it anything the host has.
     */
    public ReceiveBudget child(String childName, long childLimit, long keptForOutbound) {
        return new ReceiveBudget(childName, childLimit, keptForOutbound, this);
    }

    /**
     * Reserves {@code bytes}; returns null when reserved, else why not (naming the budget and its
     * figures). {@code inbound}: for a stream the peer opened, which may not use the part kept for
     * outbound streams.
     */
    public String tryReserve(long bytes, boolean inbound) {
        synchronized (this) {
            long usable = inbound ? limit - keptForOutbound : limit;
            if (reserved + bytes > usable) {
                return name + " receive buffer budget spent: " + reserved + " of " + usable + " bytes reserved"
                        + (inbound && keptForOutbound > 0 ? " (" + keptForOutbound + " more kept for our own streams)" : "")
                        + ", a stream needs " + bytes;
            }
            if (parent != null) {
                String why = parent.tryReserve(bytes, inbound);
                if (why != null) return why;
            }
            reserved += bytes;
            peak = Math.max(peak, reserved);
            return null;
        }
    }

    /** Gives back a reservation of {@code bytes}. */
    public void release(long bytes) {
        synchronized (this) {
            if (bytes > reserved) throw new IllegalStateException("budget " + name + " released more than reserved");
            reserved -= bytes;
            if (parent != null) parent.release(bytes);
        }
    }

    public synchronized long reserved() {
        return reserved;
    }

    /** The most ever reserved at once. */
    public synchronized long peak() {
        return peak;
    }

    public long limit() {
        return limit;
    }
}
