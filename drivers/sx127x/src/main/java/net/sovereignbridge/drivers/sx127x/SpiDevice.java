package net.sovereignbridge.drivers.sx127x;

import java.io.IOException;

/**
 * One SPI slave: a full-duplex transfer of {@code tx.length} bytes with the (hardware) chip select held for the
 * whole transfer. SX127x wants SPI mode 0, MSB first, at most 10 MHz (Semtech SX1276 datasheet, section 4.3).
 * When the board drives chip select from a plain GPIO (Dragino HAT), {@link RadioBus#chipSelect()} is used
 * around each transfer by the driver, and this device's own chip-select line is simply not connected.
 */
public interface SpiDevice {
    /**
     * Sends {@code tx} and returns the bytes clocked in meanwhile ({@code rx.length == tx.length}).
     *
     * @throws IOException when the bus refuses the transfer
     */
    byte[] transfer(byte[] tx) throws IOException;
}
