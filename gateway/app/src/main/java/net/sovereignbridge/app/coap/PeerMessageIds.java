package net.sovereignbridge.app.coap;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.eclipse.californium.core.network.GroupedMessageIdTracker;
import org.eclipse.californium.core.network.MessageIdProvider;
import org.eclipse.californium.core.network.MessageIdTracker;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Message IDs for what we send on our own initiative (NON answers, notifications, separate responses), one
 * tracker per peer address, at most {@code capacity} peers. Californium's provider refuses new peers until
 * an old one has been silent for MAX_PEER_INACTIVITY_PERIOD (10 minutes), so a client spraying from a
 * thousand ports left every newcomer without IDs ("No MID available") and observers without notifications.
 * Here a new peer replaces the least recently served one, never a peer with an observe relation
 * ({@code pinned}). A replaced peer that comes back starts at a fresh random ID (RFC 7252 4.4 asks IDs not
 * to repeat within EXCHANGE_LIFETIME; a random restart in 65 000 makes a repeat improbable, and a repeated
 * ID costs the peer one answer, never ours to another peer).
 */
final class PeerMessageIds implements MessageIdProvider {
    /** IDs from 65000 up are Californium's multicast range; we never send multicast. */
    private static final int MAX_MID = 65_000;
    private final int capacity;
    private final Configuration config;
    private final Predicate<InetSocketAddress> pinned;
    private final SecureRandom random = new SecureRandom();
    private final Map<InetSocketAddress, MessageIdTracker> trackers = new LinkedHashMap<>(64, 0.75f, true);
    private long replaced;

    PeerMessageIds(int capacity, Configuration config, Predicate<InetSocketAddress> pinned) {
        this.capacity = capacity;
        this.config = config;
        this.pinned = pinned;
    }

    @Override
    public int getNextMessageId(InetSocketAddress destination) {
        MessageIdTracker tracker;
        synchronized (this) {
            tracker = trackers.get(destination);
            if (tracker == null) {
                if (trackers.size() >= capacity) replaceOne();
                tracker = new GroupedMessageIdTracker(random.nextInt(MAX_MID), 0, MAX_MID, config);
                trackers.put(destination, tracker);
            }
        }
        return tracker.getNextMessageId();
    }

    private void replaceOne() {
        Iterator<InetSocketAddress> it = trackers.keySet().iterator();
        InetSocketAddress eldest = null;
        while (it.hasNext()) {
            InetSocketAddress a = it.next();
            if (eldest == null) eldest = a;
            if (!pinned.test(a)) {
                it.remove();
                replaced++;
                return;
            }
        }
        // every peer observes (more observers allowed than peers tracked): the least recently served goes
        trackers.remove(eldest);
        replaced++;
    }

    synchronized int peers() {
        return trackers.size();
    }

    synchronized long replaced() {
        return replaced;
    }
}
