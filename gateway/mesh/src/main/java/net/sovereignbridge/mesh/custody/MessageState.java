package net.sovereignbridge.mesh.custody;

/** Where a message stands, as its sender sees it. */
public enum MessageState {
    /** Accepted and stored; no route yet (store-and-forward). */
    QUEUED,
    /** Handed to a transport at least once; waiting for the end-to-end acknowledgement. */
    SENT,
    /** The recipient's authenticated acknowledgement arrived. */
    DELIVERED,
    /** Its time to live ran out before delivery. */
    EXPIRED,
    /** Cannot be delivered at all (for example larger than every transport can carry). */
    FAILED;

    public boolean pending() {
        return this == QUEUED || this == SENT;
    }
}
