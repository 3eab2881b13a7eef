package net.sovereignbridge.drivers.sx126x;

/**
 * The status byte the chip shifts out during every command (datasheet 13.5.1, GetStatus): bits 6..4 the chip
 * mode, bits 3..1 the status of the last command.
 */
public record Sx126xStatus(int raw) {
    public static final int MODE_STBY_RC = 2, MODE_STBY_XOSC = 3, MODE_FS = 4, MODE_RX = 5, MODE_TX = 6;
    public static final int CMD_DATA_AVAILABLE = 2, CMD_TIMEOUT = 3, CMD_PROCESSING_ERROR = 4, CMD_FAILED = 5,
            CMD_TX_DONE = 6;

    public int chipMode() {
        return (raw >> 4) & 0x07;
    }

    public int commandStatus() {
        return (raw >> 1) & 0x07;
    }

    /** The last command was refused (invalid opcode or parameters) or could not be executed. */
    public boolean commandFailed() {
        return commandStatus() == CMD_PROCESSING_ERROR || commandStatus() == CMD_FAILED;
    }

    public String chipModeName() {
        return switch (chipMode()) {
            case MODE_STBY_RC -> "STBY_RC";
            case MODE_STBY_XOSC -> "STBY_XOSC";
            case MODE_FS -> "FS";
            case MODE_RX -> "RX";
            case MODE_TX -> "TX";
            default -> "mode " + chipMode();
        };
    }

    public String commandStatusName() {
        return switch (commandStatus()) {
            case CMD_DATA_AVAILABLE -> "data available";
            case CMD_TIMEOUT -> "command timeout";
            case CMD_PROCESSING_ERROR -> "command processing error (invalid opcode or parameters)";
            case CMD_FAILED -> "failure to execute command";
            case CMD_TX_DONE -> "TX done";
            default -> "ok";
        };
    }

    @Override
    public String toString() {
        return String.format("0x%02X (%s, %s)", raw, chipModeName(), commandStatusName());
    }
}
