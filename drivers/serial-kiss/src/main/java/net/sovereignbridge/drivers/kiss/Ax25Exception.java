package net.sovereignbridge.drivers.kiss;

/** Bytes that are not an AX.25 UI frame; the message names the byte and what is wrong with it. */
public final class Ax25Exception extends Exception {
    public Ax25Exception(String message) {
        super(message);
    }
}
