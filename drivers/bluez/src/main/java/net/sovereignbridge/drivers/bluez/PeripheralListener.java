package net.sovereignbridge.drivers.bluez;

/**
 * What a {@link GattServer} reports. Called on dbus-java's method-call threads: hand work off quickly, since
 * bluetoothd waits for the answer to a write request.
 */
public interface PeripheralListener {

    /**
     * A central wrote to the write characteristic. Throwing {@link WriteRefused} answers the write with that
     * BlueZ error (a write command's error is lost on the air, as in BlueZ).
     */
    void written(Write write) throws WriteRefused;

    /** The first central subscribed to the notify characteristic (bluetoothd's StartNotify). */
    default void subscribed() {
    }

    /** The last central unsubscribed (bluetoothd's StopNotify). */
    default void unsubscribed() {
    }

    /** One write as bluetoothd hands it over: the central's Device1 path, the link's ATT MTU, the kind. */
    record Write(String device, int mtu, boolean command, byte[] value) {
    }

    /** Refuses a write with one of BlueZ's error names (org.bluez.Error.Failed, ...InvalidValueLength). */
    final class WriteRefused extends Exception {
        private final String errorName;

        public WriteRefused(String errorName, String message) {
            super(message);
            this.errorName = errorName;
        }

        public String errorName() {
            return errorName;
        }
    }
}
