package net.sovereignbridge.app.services;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.StateChange;

/**
 * Follows the messages one service sent and turns the node's later state changes (sent after queued,
 * delivered, expired, failed) into further receipts with the device's {@code ref}. Bounded: at most
 * {@link #MAX_TRACKED} open messages, the oldest forgotten first. A change that arrives before
 * {@link #track} (a fast acknowledgement on a LAN) is held briefly and replayed.
 */
public final class ReceiptTracker {
    public static final int MAX_TRACKED = 10_000;
    private static final String NO_REF = "";
    private final Consumer<LocalSender.Receipt> out;
    private final Map<String, String> tracked = bounded(MAX_TRACKED);
    private final Map<String, StateChange> early = bounded(1024);
    /** Recently finished messages: a late pending report for one of them is ignored, not held in early. */
    private final Map<String, Boolean> finished = bounded(4096);

    public ReceiptTracker(Node node, Consumer<LocalSender.Receipt> out) {
        this.out = out;
        node.addStateListener(this::onStateChange);
    }

    private static <V> Map<String, V> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    private static String key(String to, long messageId) {
        return to + "/" + messageId;
    }

    /** Starts following the message of a receipt from {@link LocalSender#send} (rejected ones are ignored). */
    public void track(LocalSender.Receipt r) {
        if (r.messageId() == null) return;
        String k = key(r.to(), r.messageId());
        StateChange already;
        synchronized (tracked) {
            tracked.put(k, r.ref() == null ? NO_REF : r.ref());
            already = early.remove(k);
        }
        if (already != null && !LocalSender.state(already.state()).equals(r.state())) onStateChange(already);
    }

    private void onStateChange(StateChange c) {
        String k = key(c.destination().toHex(), Integer.toUnsignedLong(c.messageId()));
        String ref;
        synchronized (tracked) {
            ref = tracked.get(k);
            if (ref == null && finished.containsKey(k)) return;
            if (ref == null) {
                // The node may report SENT after DELIVERED when the ACK overtakes the send's own bookkeeping:
                // never let a pending state hide a final one.
                StateChange held = early.get(k);
                if (held == null || held.state().pending() || !c.state().pending()) early.put(k, c);
                return;
            }
            if (!c.state().pending()) {
                tracked.remove(k);
                finished.put(k, Boolean.TRUE);
            }
        }
        out.accept(LocalSender.stateReceipt(NO_REF.equals(ref) ? null : ref, c));
    }
}
