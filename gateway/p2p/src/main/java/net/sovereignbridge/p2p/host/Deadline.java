package net.sovereignbridge.p2p.host;

/** A timeout that runs an action (close, reset) unless cancelled first. */
public interface Deadline {
    /** True when cancelled in time; false when the action ran (or is running): the operation timed out. */
    boolean cancel();
}
