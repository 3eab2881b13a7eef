package net.sovereignbridge.drivers.sx127x;

/**
 * Register addresses and bit fields of the SX1276/77/78/79 in LoRa mode. Source of every constant: Semtech
 * SX1276/77/78/79 datasheet, section 6.4 "LoRa Mode Register Map" (and 6.2 for the shared registers), unless a
 * comment names another source.
 */
public final class Sx127xRegisters {
    private Sx127xRegisters() {}

    /** SPI address byte: bit 7 set = write (datasheet 4.3 "SPI Interface"). */
    public static final int SPI_WRITE = 0x80;

    public static final int FIFO = 0x00;
    public static final int OP_MODE = 0x01;
    public static final int FRF_MSB = 0x06;
    public static final int FRF_MID = 0x07;
    public static final int FRF_LSB = 0x08;
    public static final int PA_CONFIG = 0x09;
    public static final int PA_RAMP = 0x0A;
    public static final int OCP = 0x0B;
    public static final int LNA = 0x0C;
    public static final int FIFO_ADDR_PTR = 0x0D;
    public static final int FIFO_TX_BASE_ADDR = 0x0E;
    public static final int FIFO_RX_BASE_ADDR = 0x0F;
    public static final int FIFO_RX_CURRENT_ADDR = 0x10;
    public static final int IRQ_FLAGS_MASK = 0x11;
    public static final int IRQ_FLAGS = 0x12;
    public static final int RX_NB_BYTES = 0x13;
    public static final int RX_HEADER_CNT_MSB = 0x14;
    public static final int RX_HEADER_CNT_LSB = 0x15;
    public static final int RX_PACKET_CNT_MSB = 0x16;
    public static final int RX_PACKET_CNT_LSB = 0x17;
    public static final int MODEM_STAT = 0x18;
    public static final int PKT_SNR_VALUE = 0x19;
    public static final int PKT_RSSI_VALUE = 0x1A;
    public static final int RSSI_VALUE = 0x1B;
    public static final int HOP_CHANNEL = 0x1C;
    public static final int MODEM_CONFIG_1 = 0x1D;
    public static final int MODEM_CONFIG_2 = 0x1E;
    public static final int SYMB_TIMEOUT_LSB = 0x1F;
    public static final int PREAMBLE_MSB = 0x20;
    public static final int PREAMBLE_LSB = 0x21;
    public static final int PAYLOAD_LENGTH = 0x22;
    public static final int MAX_PAYLOAD_LENGTH = 0x23;
    public static final int HOP_PERIOD = 0x24;
    public static final int FIFO_RX_BYTE_ADDR = 0x25;
    public static final int MODEM_CONFIG_3 = 0x26;
    public static final int DETECT_OPTIMIZE = 0x31;
    public static final int INVERT_IQ = 0x33;
    public static final int DETECTION_THRESHOLD = 0x37;
    public static final int SYNC_WORD = 0x39;
    public static final int DIO_MAPPING_1 = 0x40;
    public static final int DIO_MAPPING_2 = 0x41;
    public static final int VERSION = 0x42;
    public static final int PA_DAC = 0x4D;

    // RegOpMode (0x01)
    public static final int LONG_RANGE_MODE = 0x80;
    public static final int MODE_MASK = 0x07;
    public static final int MODE_SLEEP = 0x00;
    public static final int MODE_STDBY = 0x01;
    public static final int MODE_FSTX = 0x02;
    public static final int MODE_TX = 0x03;
    public static final int MODE_FSRX = 0x04;
    public static final int MODE_RX_CONTINUOUS = 0x05;
    public static final int MODE_RX_SINGLE = 0x06;
    public static final int MODE_CAD = 0x07;

    // RegIrqFlags (0x12) and RegIrqFlagsMask (0x11): write 1 to clear
    public static final int IRQ_RX_TIMEOUT = 0x80;
    public static final int IRQ_RX_DONE = 0x40;
    public static final int IRQ_PAYLOAD_CRC_ERROR = 0x20;
    public static final int IRQ_VALID_HEADER = 0x10;
    public static final int IRQ_TX_DONE = 0x08;
    public static final int IRQ_CAD_DONE = 0x04;
    public static final int IRQ_FHSS_CHANGE_CHANNEL = 0x02;
    public static final int IRQ_CAD_DETECTED = 0x01;

    // RegDioMapping1 (0x40) bits 7..6 = DIO0 function in LoRa mode (datasheet table 18 "Mapping of LoRa modem")
    public static final int DIO0_RX_DONE = 0x00;
    public static final int DIO0_TX_DONE = 0x40;
    public static final int DIO0_CAD_DONE = 0x80;
    public static final int DIO0_MASK = 0xC0;

    // RegHopChannel (0x1C) bit 6: CRC present in the received header (explicit mode)
    public static final int HOP_CHANNEL_CRC_ON_PAYLOAD = 0x40;

    // RegModemConfig2 (0x1E) bit 2, RegModemConfig3 (0x26) bits 3 and 2
    public static final int RX_PAYLOAD_CRC_ON = 0x04;
    public static final int LOW_DATA_RATE_OPTIMIZE = 0x08;
    public static final int AGC_AUTO_ON = 0x04;

    // RegPaConfig (0x09) bit 7 PaSelect: PA_BOOST pin; RegPaDac (0x4D): 0x84 default, 0x87 = +20 dBm
    public static final int PA_SELECT_BOOST = 0x80;
    public static final int PA_DAC_DEFAULT = 0x84;
    public static final int PA_DAC_20DBM = 0x87;
    public static final int OCP_ON = 0x20;

    /** Crystal frequency of all common SX127x modules, Hz (datasheet 4.1.4: Frf = Fxosc * Frf / 2^19). */
    public static final long FXOSC_HZ = 32_000_000L;
    /** Above this the HF port and RSSI offset -157 apply, below it -164 (datasheet 5.5.5). */
    public static final long HF_PORT_MIN_HZ = 525_000_000L;

    /** Register values that identify an SX1276/77/78/79 (datasheet: RegVersion 0x12; some modules 0x11/0x13). */
    public static final int VERSION_SX1276 = 0x12;
}
