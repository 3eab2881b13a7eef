package net.sovereignbridge.drivers.sx127x;

/** The radio could not do what was asked; subclasses name the cause. */
public class Sx127xException extends Exception {
    public Sx127xException(String message) {
        super(message);
    }

    public Sx127xException(String message, Throwable cause) {
        super(message, cause);
    }

    /** RegVersion read 0x00 or 0xFF: nothing answers on MISO, so wiring or chip select is wrong. */
    public static final class ChipNotResponding extends Sx127xException {
        public ChipNotResponding(String message) {
            super(message);
        }
    }

    /** RegVersion read a value that is not an SX1276/77/78/79 (e.g. 0x22, an SX1272). */
    public static final class UnsupportedChipVersion extends Sx127xException {
        private final int version;

        public UnsupportedChipVersion(int version, String message) {
            super(message);
            this.version = version;
        }

        public int version() {
            return version;
        }
    }

    /** An operation did not finish in time (no TxDone, no CadDone), even after polling the IRQ flags. */
    public static final class Timeout extends Sx127xException {
        public Timeout(String message) {
            super(message);
        }
    }

    /** The SPI bus failed. */
    public static final class BusFailure extends Sx127xException {
        public BusFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
