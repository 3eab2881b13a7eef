package net.sovereignbridge.drivers.sx126x;

/** The radio could not do what was asked; subclasses name the cause. */
public class Sx126xException extends Exception {
    public Sx126xException(String message) {
        super(message);
    }

    public Sx126xException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The version string reads all 0x00 or 0xFF: nothing answers on MISO (wiring, chip select, power). */
    public static final class ChipNotResponding extends Sx126xException {
        public ChipNotResponding(String message) {
            super(message);
        }
    }

    /** Something answers, but its version string is not an SX126x/LLCC68's. */
    public static final class UnsupportedChip extends Sx126xException {
        private final String versionString;

        public UnsupportedChip(String versionString, String message) {
            super(message);
            this.versionString = versionString;
        }

        public String versionString() {
            return versionString;
        }
    }

    /** BUSY did not go low in time: the chip is hung, unpowered, or BUSY is on another pin than configured. */
    public static final class BusyTimeout extends Sx126xException {
        public BusyTimeout(String message) {
            super(message);
        }
    }

    /** The status byte said the previous command was refused or failed. */
    public static final class CommandFailed extends Sx126xException {
        private final Sx126xStatus status;

        public CommandFailed(Sx126xStatus status, String message) {
            super(message);
            this.status = status;
        }

        public Sx126xStatus status() {
            return status;
        }
    }

    /** GetDeviceErrors reported calibration, oscillator or PLL failures. */
    public static final class DeviceErrors extends Sx126xException {
        private final int errors;

        public DeviceErrors(int errors, String message) {
            super(message);
            this.errors = errors;
        }

        public int errors() {
            return errors;
        }
    }

    /** An operation did not finish in time (no TxDone, no CadDone), even after polling the IRQ status. */
    public static final class Timeout extends Sx126xException {
        public Timeout(String message) {
            super(message);
        }
    }

    /** The SPI bus failed. */
    public static final class BusFailure extends Sx126xException {
        public BusFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
