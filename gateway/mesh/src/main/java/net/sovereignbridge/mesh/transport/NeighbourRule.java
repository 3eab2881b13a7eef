package net.sovereignbridge.mesh.transport;

/** When a sender on a transport becomes one of its neighbours (the transport announces it to its listener). */
public enum NeighbourRule {
    /**
     * With its first well-formed frame: where the medium itself says who is there (a radio in range, a
     * connection whose handshake authenticated the peer).
     */
    FIRST_FRAME,
    /**
     * Only when the node proves it ({@link Transport#neighbourProven}): where a frame's sender is a claim anyone
     * can make (a UDP source address). Its frames are delivered all the same, so that the node can check them.
     */
    PROVEN
}
