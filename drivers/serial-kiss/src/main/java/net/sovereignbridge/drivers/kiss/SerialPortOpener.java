package net.sovereignbridge.drivers.kiss;

/** Opens serial devices: jSerialComm on this machine ({@link JSerialCommOpener}), anything else in tests. */
@FunctionalInterface
public interface SerialPortOpener {
    SerialLink open(String device, int speed) throws SerialPortException;
}
