package net.sovereignbridge.drivers.sx127x.emulator;

/**
 * A chip emulator attached to a {@link SimulatedAir}: the SX127x register-level emulator here, the SX126x
 * command-level one in drivers/sx126x. The air calls these on its clock's thread when a frame ends.
 */
public interface AirRadio {
    /** Unique on one air; used to key link conditions. */
    String name();

    /** This radio's own frame left the air (TxDone time). */
    void transmissionEnded(AirFrame frame);

    /** Another radio's frame ended: decide whether it was heard. */
    void frameEnded(AirFrame frame);
}
