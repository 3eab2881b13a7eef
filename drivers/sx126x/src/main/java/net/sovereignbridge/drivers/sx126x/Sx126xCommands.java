package net.sovereignbridge.drivers.sx126x;

import java.util.List;

/**
 * Opcodes, registers and bit fields of the SX126x command interface (Semtech SX1261/2 datasheet rev. 2.1, chapter
 * 13 "Commands Interface", chapter 12 "Register Map", chapter 15 "Known Limitations"). Every transaction: wait for
 * BUSY low, NSS low, opcode and parameters MSB first, NSS high, wait for BUSY low (not after SetSleep: the chip
 * then sleeps with BUSY high until NSS wakes it).
 */
public final class Sx126xCommands {
    private Sx126xCommands() {}

    // operational modes (13.1)
    public static final int SET_SLEEP = 0x84, SET_STANDBY = 0x80, SET_FS = 0xC1, SET_TX = 0x83, SET_RX = 0x82,
            STOP_TIMER_ON_PREAMBLE = 0x9F, SET_CAD = 0xC5, SET_TX_CONTINUOUS_WAVE = 0xD1,
            SET_TX_INFINITE_PREAMBLE = 0xD2, SET_REGULATOR_MODE = 0x96, CALIBRATE = 0x89, CALIBRATE_IMAGE = 0x98,
            SET_PA_CONFIG = 0x95, SET_RX_TX_FALLBACK_MODE = 0x93;
    // registers and buffer (13.2)
    public static final int WRITE_REGISTER = 0x0D, READ_REGISTER = 0x1D, WRITE_BUFFER = 0x0E, READ_BUFFER = 0x1E;
    // DIO and IRQ (13.3)
    public static final int SET_DIO_IRQ_PARAMS = 0x08, GET_IRQ_STATUS = 0x12, CLEAR_IRQ_STATUS = 0x02,
            SET_DIO2_AS_RF_SWITCH_CTRL = 0x9D, SET_DIO3_AS_TCXO_CTRL = 0x97;
    // RF, modulation, packet (13.4)
    public static final int SET_RF_FREQUENCY = 0x86, SET_PACKET_TYPE = 0x8A, GET_PACKET_TYPE = 0x11,
            SET_TX_PARAMS = 0x8E, SET_MODULATION_PARAMS = 0x8B, SET_PACKET_PARAMS = 0x8C, SET_CAD_PARAMS = 0x88,
            SET_BUFFER_BASE_ADDRESS = 0x8F, SET_LORA_SYMB_NUM_TIMEOUT = 0xA0;
    // status (13.5)
    public static final int GET_STATUS = 0xC0, GET_RSSI_INST = 0x15, GET_RX_BUFFER_STATUS = 0x13,
            GET_PACKET_STATUS = 0x14, GET_DEVICE_ERRORS = 0x17, CLEAR_DEVICE_ERRORS = 0x07, GET_STATS = 0x10,
            RESET_STATS = 0x00;

    public static final int NOP = 0x00;
    public static final int PACKET_TYPE_GFSK = 0x00, PACKET_TYPE_LORA = 0x01;
    public static final int STANDBY_RC = 0x00, STANDBY_XOSC = 0x01;
    public static final int FALLBACK_STDBY_RC = 0x20, FALLBACK_STDBY_XOSC = 0x30, FALLBACK_FS = 0x40;
    /** SetSleep: bit 2 warm start (configuration kept), bit 0 wake on RTC. */
    public static final int SLEEP_WARM_START = 0x04;
    public static final int CALIBRATE_ALL = 0x7F;
    /** SetRx timeout meaning "continuous": stay in RX after each packet. */
    public static final int RX_CONTINUOUS = 0xFFFFFF;
    /** SetTxParams ramp time code 0x04 = 200 us. */
    public static final int RAMP_200_US = 0x04;
    /** SetCadParams: cadSymbolNum code 0x01 = 2 symbols; exit mode 0x00 = CAD_ONLY (back to STDBY_RC). */
    public static final int CAD_ON_2_SYMB = 0x01, CAD_ONLY = 0x00;

    // IRQ bits (13.3.1, table 13-29)
    public static final int IRQ_TX_DONE = 1, IRQ_RX_DONE = 1 << 1, IRQ_PREAMBLE_DETECTED = 1 << 2,
            IRQ_SYNC_WORD_VALID = 1 << 3, IRQ_HEADER_VALID = 1 << 4, IRQ_HEADER_ERR = 1 << 5, IRQ_CRC_ERR = 1 << 6,
            IRQ_CAD_DONE = 1 << 7, IRQ_CAD_DETECTED = 1 << 8, IRQ_TIMEOUT = 1 << 9, IRQ_ALL = 0x03FF;

    // GetDeviceErrors bits (13.6.1)
    public static final int ERR_RC64K_CALIB = 1, ERR_RC13M_CALIB = 1 << 1, ERR_PLL_CALIB = 1 << 2,
            ERR_ADC_CALIB = 1 << 3, ERR_IMG_CALIB = 1 << 4, ERR_XOSC_START = 1 << 5, ERR_PLL_LOCK = 1 << 6,
            ERR_PA_RAMP = 1 << 8;

    // registers (chapter 12)
    /** 16 bytes of ASCII, e.g. "SX1261 V2D 2D02" (SX1262s report SX1261 too). */
    public static final int REG_VERSION_STRING = 0x0320;
    public static final int REG_LORA_SYNC_WORD_MSB = 0x0740, REG_LORA_SYNC_WORD_LSB = 0x0741;
    /** Erratum 15.4: bit 2 set with standard IQ, cleared with inverted IQ, after every SetPacketParams. */
    public static final int REG_IQ_POLARITY = 0x0736;
    /** Erratum 15.1: bit 2 cleared for LoRa at 500 kHz, set otherwise, before each transmission. */
    public static final int REG_TX_MODULATION = 0x0889;
    /** Erratum 15.2: bits 4..1 set (|= 0x1E) for the SX1262's PA clamping against antenna mismatch. */
    public static final int REG_TX_CLAMP_CONFIG = 0x08D8;
    /** PA over-current protection, 2.5 mA steps. */
    public static final int REG_OCP = 0x08E7;
    /** Erratum 15.3: after an implicit-header reception with a timeout, 0x0902 = 0 and 0x0944 |= 0x02 stop the RTC. */
    public static final int REG_RTC_CONTROL = 0x0902, REG_EVENT_MASK = 0x0944;

    /** Names of the IRQ bits that are set, for log and error lines. */
    public static String irqNames(int irq) {
        List<String> names = List.of("TxDone", "RxDone", "PreambleDetected", "SyncWordValid", "HeaderValid",
                "HeaderErr", "CrcErr", "CadDone", "CadDetected", "Timeout");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if ((irq & (1 << i)) != 0) b.append(b.length() == 0 ? "" : "|").append(names.get(i));
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    /** Names of GetDeviceErrors bits, with what usually causes them. */
    public static String deviceErrorNames(int errors) {
        StringBuilder b = new StringBuilder();
        if ((errors & ERR_RC64K_CALIB) != 0) b.append("RC64k calibration failed; ");
        if ((errors & ERR_RC13M_CALIB) != 0) b.append("RC13M calibration failed; ");
        if ((errors & ERR_PLL_CALIB) != 0) b.append("PLL calibration failed; ");
        if ((errors & ERR_ADC_CALIB) != 0) b.append("ADC calibration failed; ");
        if ((errors & ERR_IMG_CALIB) != 0) b.append("image calibration failed; ");
        if ((errors & ERR_XOSC_START) != 0) {
            b.append("crystal oscillator did not start (a module with a TCXO needs DIO3_TCXO_VOLTAGE in the board "
                    + "file; check the voltage); ");
        }
        if ((errors & ERR_PLL_LOCK) != 0) b.append("PLL did not lock (frequency outside the chip's band?); ");
        if ((errors & ERR_PA_RAMP) != 0) b.append("PA ramp failed; ");
        return b.length() == 0 ? "none" : b.substring(0, b.length() - 2);
    }

    /** A readable name of an opcode for error messages. */
    public static String opcodeName(int opcode) {
        return switch (opcode) {
            case SET_SLEEP -> "SetSleep";
            case SET_STANDBY -> "SetStandby";
            case SET_FS -> "SetFs";
            case SET_TX -> "SetTx";
            case SET_RX -> "SetRx";
            case SET_CAD -> "SetCad";
            case SET_REGULATOR_MODE -> "SetRegulatorMode";
            case CALIBRATE -> "Calibrate";
            case CALIBRATE_IMAGE -> "CalibrateImage";
            case SET_PA_CONFIG -> "SetPaConfig";
            case SET_RX_TX_FALLBACK_MODE -> "SetRxTxFallbackMode";
            case WRITE_REGISTER -> "WriteRegister";
            case READ_REGISTER -> "ReadRegister";
            case WRITE_BUFFER -> "WriteBuffer";
            case READ_BUFFER -> "ReadBuffer";
            case SET_DIO_IRQ_PARAMS -> "SetDioIrqParams";
            case GET_IRQ_STATUS -> "GetIrqStatus";
            case CLEAR_IRQ_STATUS -> "ClearIrqStatus";
            case SET_DIO2_AS_RF_SWITCH_CTRL -> "SetDIO2AsRfSwitchCtrl";
            case SET_DIO3_AS_TCXO_CTRL -> "SetDIO3AsTcxoCtrl";
            case SET_RF_FREQUENCY -> "SetRfFrequency";
            case SET_PACKET_TYPE -> "SetPacketType";
            case SET_TX_PARAMS -> "SetTxParams";
            case SET_MODULATION_PARAMS -> "SetModulationParams";
            case SET_PACKET_PARAMS -> "SetPacketParams";
            case SET_CAD_PARAMS -> "SetCadParams";
            case SET_BUFFER_BASE_ADDRESS -> "SetBufferBaseAddress";
            case GET_STATUS -> "GetStatus";
            case GET_RX_BUFFER_STATUS -> "GetRxBufferStatus";
            case GET_PACKET_STATUS -> "GetPacketStatus";
            case GET_DEVICE_ERRORS -> "GetDeviceErrors";
            case CLEAR_DEVICE_ERRORS -> "ClearDeviceErrors";
            default -> String.format("opcode 0x%02X", opcode);
        };
    }

    /** SX126x bandwidth codes (SetModulationParams, table 13-47): not the SX127x's. */
    public static int bandwidthCode(net.sovereignbridge.drivers.sx127x.Bandwidth bw) {
        return switch (bw) {
            case BW_7_8 -> 0x00;
            case BW_10_4 -> 0x08;
            case BW_15_6 -> 0x01;
            case BW_20_8 -> 0x09;
            case BW_31_25 -> 0x02;
            case BW_41_7 -> 0x0A;
            case BW_62_5 -> 0x03;
            case BW_125 -> 0x04;
            case BW_250 -> 0x05;
            case BW_500 -> 0x06;
        };
    }

    /** frf = f * 2^25 / 32 MHz (datasheet 13.4.1), rounded. */
    public static long frfFor(long frequencyHz) {
        return (frequencyHz * (1L << 25) + 16_000_000L) / 32_000_000L;
    }

    /**
     * CalibrateImage frequencies for a carrier (datasheet 9.2.1, table 9-2, in 4 MHz steps): the table's bands where
     * the carrier is in one, else the 4 MHz steps just around it.
     */
    public static int[] imageCalibrationFor(long frequencyHz) {
        long mhz = frequencyHz / 1_000_000L;
        if (mhz >= 430 && mhz <= 440) return new int[] {0x6B, 0x6F};
        if (mhz >= 470 && mhz <= 510) return new int[] {0x75, 0x81};
        if (mhz >= 779 && mhz <= 787) return new int[] {0xC1, 0xC5};
        if (mhz >= 863 && mhz <= 870) return new int[] {0xD7, 0xDB};
        if (mhz >= 902 && mhz <= 928) return new int[] {0xE1, 0xE9};
        int low = (int) (frequencyHz / 4_000_000L);
        return new int[] {Math.max(0, low - 1), Math.min(0xFF, low + 2)};
    }

    /** The SX126x form of a one-byte sync word: 0x12 -> {0x14, 0x24}, 0x34 -> {0x34, 0x44}, 0x2B -> {0x24, 0xB4}. */
    public static int[] syncWordRegisters(int syncByte) {
        return new int[] {(syncByte & 0xF0) | 0x04, ((syncByte & 0x0F) << 4) | 0x04};
    }
}
