package net.sovereignbridge.app.transport.lora;

import java.util.Map;
import net.sovereignbridge.drivers.sx127x.PacketListener;

/**
 * One LoRa chip with its modem settings, as the LoRa transport uses it: the SX127x ({@link Sx127xRadio}) and the
 * SX126x family ({@link Sx126xRadio}) differ in every register and command but not in what a half-duplex packet
 * radio does, so the transport, its airtime accounting and its tests are one for both.
 */
public interface LoraRadio extends AutoCloseable {
    /** The chip the driver found ("SX127x RegVersion 0x12", "SX1262 (SX1261 V2D 2D02)"). */
    String chip();

    /** Applies the modem settings this radio was built with. */
    void configure() throws Failure;

    /** Continuous receive; {@code listener} runs on the driver's thread. */
    void startReceiving(PacketListener listener) throws Failure;

    /** Sends one packet and returns once TxDone is seen; the receiver is restarted afterwards. */
    void transmit(byte[] payload) throws Failure;

    /** One channel activity detection: true when a LoRa preamble is heard. */
    boolean channelActivityDetected() throws Failure;

    void sleep() throws Failure;

    /** Time on air of a packet of {@code length} bytes at this radio's settings. */
    long timeOnAirNanos(int length);

    /** Carrier, spreading factor and bandwidth for status lines ("869.525 MHz SF11 250 kHz"). */
    String modulation();

    /** The driver's counters (crcErrors, receiverRestarts, ... as the chip has them), for the status output. */
    Map<String, Long> counters();

    /** Why the radio cannot work now (a USB radio unplugged), or "" when it can; shown in the status. */
    default String problem() {
        return "";
    }

    /** Stops the driver's receive thread and puts the chip to sleep; the bus stays open. */
    @Override
    void close();

    /** The chip did not do what was asked; the message comes from the driver and names the radio. */
    final class Failure extends Exception {
        public Failure(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
