package net.sovereignbridge.mesh.transport;

/**
 * Which links the router prefers, before it compares link quality: local first, global second. A message
 * for a node that is reachable over the LAN or BLE goes there even when the overlay has a shorter path;
 * a radio carries what no fast local link reaches; the acoustic link is a last local resort; the overlay
 * carries what no local medium reaches.
 */
public enum PreferenceClass {
    /** High-bandwidth local links: LAN, BLE. */
    LOCAL_FAST,
    /** Local radios: LoRa, serial radios (KISS, RNode), Meshtastic. */
    LOCAL_RADIO,
    /** Slow local links: the ultrasonic audio modem. */
    LOCAL_SLOW,
    /** The internet overlay. */
    GLOBAL;

    /** Order of preference, 0 = most preferred. */
    public int rank() {
        return ordinal();
    }
}
