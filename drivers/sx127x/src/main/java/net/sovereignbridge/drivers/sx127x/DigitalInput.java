package net.sovereignbridge.drivers.sx127x;

/** A GPIO input, here the radio's DIO0 interrupt line (active high). */
public interface DigitalInput {
    boolean isHigh();

    /**
     * Registers a listener for low-to-high transitions. Listeners run on the GPIO provider's thread and must
     * return quickly. Edges can be lost (a busy kernel, an edge-triggered line that was already high), so
     * users of this interface must not rely on every edge arriving.
     */
    void addRisingEdgeListener(Runnable listener);
}
