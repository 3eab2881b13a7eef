package net.sovereignbridge.drivers.bluez;

/**
 * BlueZ cannot be used, with the reason an operator can act on. The transport above turns it into
 * UNAVAILABLE and tries again later: bluetoothd restarts and adapters come and go.
 */
public final class BluezException extends Exception {

    /** Why BlueZ cannot be used; each comes with a message that says what to do. */
    public enum Reason {
        /** No system bus at the address (dbus not running, wrong DBUS_SYSTEM_BUS_ADDRESS). */
        BUS_UNREACHABLE,
        /** The bus is there but nobody owns org.bluez: bluetoothd is not running. */
        BLUEZ_NOT_RUNNING,
        /** The bus policy refuses us (the user is not in group bluetooth, or no policy for the service). */
        PERMISSION_DENIED,
        /** No adapter of that name (no controller, or another name). */
        ADAPTER_ABSENT,
        /** The adapter exists but is powered off (rfkill, or powered down). */
        POWERED_OFF,
        /** BlueZ answered with an error that is none of the above. */
        FAILED
    }

    private final Reason reason;

    public BluezException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BluezException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
