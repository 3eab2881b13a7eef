package net.sovereignbridge.drivers.sx127x;

/** A GPIO output: the radio's NRESET line or a chip select driven by software. */
public interface DigitalOutput {
    void set(boolean high);
}
