package net.sovereignbridge.drivers.kiss;

/** A serial device that cannot be opened, with why and what to do about it. */
public final class SerialPortException extends Exception {
    /** Why the port would not open. */
    public enum Reason {
        /** No such device node (unplugged, or a wrong name). */
        MISSING,
        /** Another program holds the port. */
        BUSY,
        /** This user may not open it. */
        PERMISSION_DENIED,
        /** Anything else the OS said. */
        FAILED
    }

    private final Reason reason;
    private final String device;

    public SerialPortException(Reason reason, String device, String message) {
        super(message);
        this.reason = reason;
        this.device = device;
    }

    public Reason reason() {
        return reason;
    }

    public String device() {
        return device;
    }

    /** The message for a port that would not open, naming the device and what to do. */
    public static SerialPortException of(Reason reason, String device, String detail) {
        String what = switch (reason) {
            case MISSING -> "serial device " + device + " does not exist (unplugged? prefer the stable name under "
                    + "/dev/serial/by-id/)";
            case BUSY -> "serial device " + device + " is in use by another program (a ModemManager probe, "
                    + "another TNC client, a second gateway?)";
            case PERMISSION_DENIED -> "no permission to open serial device " + device + " (add the service user "
                    + "to the 'dialout' group)";
            case FAILED -> "cannot open serial device " + device;
        };
        return new SerialPortException(reason, device, detail == null || detail.isEmpty() ? what : what + ": " + detail);
    }
}
