package net.sovereignbridge.drivers.sx127x;

/** Receives packets from continuous reception; called on the driver's receive thread, must not block long. */
@FunctionalInterface
public interface PacketListener {
    void onPacket(ReceivedPacket packet);
}
