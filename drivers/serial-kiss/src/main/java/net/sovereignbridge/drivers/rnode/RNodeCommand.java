package net.sovereignbridge.drivers.rnode;

/**
 * The RNode's extension of KISS: the whole type byte is a command (not a port and command nibble pair), in both
 * directions. A query carries a placeholder value (0 for the four-byte values, 0xFF for the one-byte ones, 0x00 for
 * the identity commands); the RNode answers every setting with the value it now holds. Values are from RNode's
 * public firmware (Framing.h); byte layouts and a transcript in docs/rnode.md.
 */
public final class RNodeCommand {
    public static final int DATA = 0x00;
    /** u32 big-endian Hz; 0 asks. */
    public static final int FREQUENCY = 0x01;
    /** u32 big-endian Hz; 0 asks. */
    public static final int BANDWIDTH = 0x02;
    /** 1 byte dBm; 0xFF asks. */
    public static final int TXPOWER = 0x03;
    /** 1 byte spreading factor; 0xFF asks. */
    public static final int SPREADING_FACTOR = 0x04;
    /** 1 byte coding rate denominator 5..8 (4/5..4/8); 0xFF asks. */
    public static final int CODING_RATE = 0x05;
    /** 0x00 off, 0x01 on, 0xFF asks; the answer is 0 or 1. */
    public static final int RADIO_STATE = 0x06;
    /** The answer is 1 while a setting is missing (the radio will not start), else 0. */
    public static final int RADIO_LOCK = 0x07;
    public static final int DETECT = 0x08;
    /** 0xFF: the host leaves; the RNode forgets the cable session. */
    public static final int LEAVE = 0x0A;
    /** Short-term airtime limit, u16 big-endian in 0.01 % (0 = none). */
    public static final int ST_ALOCK = 0x0B;
    /** Long-term airtime limit, u16 big-endian in 0.01 % (0 = none). */
    public static final int LT_ALOCK = 0x0C;
    /** 0x01 while the RNode's transmit queue has room, 0x00 when it is full. */
    public static final int READY = 0x0F;
    public static final int STAT_RX = 0x21;
    public static final int STAT_TX = 0x22;
    /** 1 byte: RSSI of the packet that follows, plus {@link #RSSI_OFFSET}. */
    public static final int STAT_RSSI = 0x23;
    /** 1 byte: SNR of the packet that follows, signed, in quarter dB. */
    public static final int STAT_SNR = 0x24;
    /** Channel statistics (ESP32/nRF52 firmware, unasked): airtime and load u16s in 0.01 %, RSSIs. */
    public static final int STAT_CHTM = 0x25;
    public static final int STAT_PHYPRM = 0x26;
    public static final int STAT_CSMA = 0x28;
    public static final int PLATFORM = 0x48;
    public static final int MCU = 0x49;
    /** 2 bytes: major, minor (decimal, shown as major.minor with two digits). */
    public static final int FW_VERSION = 0x50;
    public static final int ERROR = 0x90;

    public static final int DETECT_REQUEST = 0x73;
    public static final int DETECT_RESPONSE = 0x46;
    public static final int RSSI_OFFSET = 157;

    public static final int ERROR_INIT_RADIO = 0x01;
    public static final int ERROR_TX_FAILED = 0x02;
    public static final int ERROR_EEPROM_LOCKED = 0x03;
    public static final int ERROR_QUEUE_FULL = 0x04;
    public static final int ERROR_MEMORY_LOW = 0x05;
    public static final int ERROR_MODEM_TIMEOUT = 0x06;

    public static final int PLATFORM_AVR = 0x90;
    public static final int PLATFORM_ESP32 = 0x80;
    public static final int PLATFORM_NRF52 = 0x70;

    /** Largest packet the RNode carries (two LoRa frames of 1 header byte and 254 data bytes each). */
    public static final int MTU = 508;
    /** Data bytes that fit in one LoRa frame after the RNode's header byte. */
    public static final int SINGLE_FRAME_DATA = 254;

    private RNodeCommand() {}

    /** What an RNode's error code means, for logs and status. */
    public static String describeError(int code) {
        return switch (code) {
            case ERROR_INIT_RADIO -> "the radio could not be initialised";
            case ERROR_TX_FAILED -> "a transmission failed (radio off, or the modem timed out)";
            case ERROR_EEPROM_LOCKED -> "the EEPROM is locked";
            case ERROR_QUEUE_FULL -> "the transmit queue is full";
            case ERROR_MEMORY_LOW -> "the RNode is low on memory";
            case ERROR_MODEM_TIMEOUT -> "the modem timed out";
            default -> String.format("unknown error 0x%02x", code);
        };
    }

    public static String platformName(int platform) {
        return switch (platform) {
            case PLATFORM_AVR -> "AVR";
            case PLATFORM_ESP32 -> "ESP32";
            case PLATFORM_NRF52 -> "nRF52";
            default -> String.format("platform 0x%02x", platform);
        };
    }
}
