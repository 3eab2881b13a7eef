package net.sovereignbridge.drivers.sx126x.emulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.sovereignbridge.drivers.sx127x.DigitalInput;
import net.sovereignbridge.drivers.sx127x.DigitalOutput;
import net.sovereignbridge.drivers.sx127x.SpiDevice;
import net.sovereignbridge.drivers.sx127x.emulator.AirFrame;
import net.sovereignbridge.drivers.sx127x.emulator.AirRadio;
import net.sovereignbridge.drivers.sx127x.emulator.LinkConditions;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;

/**
 * A command-level emulator of one Semtech SX1262, SX1268 or LLCC68 on its module, written from the datasheets
 * (SX1261/2 rev. 2.1 chapters 8, 9, 12, 13, 15; SX1268; LLCC68), not from any driver. It answers SPI transactions
 * like the chip, drives BUSY and DIO1, and shares {@link SimulatedAir} with the SX127x emulator.
 *
 * <p>What it models: BUSY high while a command is processed (durations below), after NRESET (cold start with
 * calibration) and while asleep; a transaction while BUSY is high is ignored and recorded as a protocol violation,
 * as is any other thing the datasheet says the host must not do. The status byte (chip mode, command status) on
 * every non-data byte clocked out; invalid opcodes, short or out-of-range parameters, and commands in the wrong
 * state give "command processing error", commands that cannot run (no oscillator, PLL cannot lock) "failure to
 * execute" with GetDeviceErrors bits. The 256-byte data buffer with its TX/RX base addresses; IRQ status, IRQ mask
 * and DIO1 routing (a flag is set only when enabled in the IRQ mask; DIO1 is high while a routed flag is set);
 * the modes STDBY_RC, STDBY_XOSC, FS, TX, RX (single, with timeout, continuous), CAD (CAD_ONLY and CAD_RX), sleep
 * (cold or warm start, woken by NSS) and the fallback mode; a TCXO on DIO3 (without SetDIO3AsTcxoCtrl at a high
 * enough voltage the crystal does not start); the RF switch on DIO2 or on TXEN/RXEN lines (a wrong switch means
 * nothing is radiated or heard); image calibration; the errata of chapter 15 (15.1 and 15.2 are checked at each
 * TX, 15.3 as a stray Timeout, 15.4 as lost packets with inverted IQ).
 *
 * <p>Simplifications (stated, not hidden): the GFSK modem is not emulated (GFSK commands are accepted but nothing
 * goes on air); sub-GHz PLL lock is judged by the variant's band only; no RTC wake from sleep, no RX duty cycle,
 * no statistics counters; PreambleDetected, SyncWordValid and HeaderValid rise together with RxDone; CAD listens
 * for the configured symbols and reports half a symbol later; no capture effect (the air's rule).
 */
public final class EmulatedSx126x implements SpiDevice, AirRadio {
    /** The family member; limits from each datasheet. */
    public enum Variant {
        SX1262(150e6, 960e6), SX1268(410e6, 810e6), LLCC68(150e6, 960e6);

        final double minHz, maxHz;

        Variant(double minHz, double maxHz) {
            this.minHz = minHz;
            this.maxHz = maxHz;
        }
    }

    /** How the module's antenna switch is driven. */
    public enum RfSwitch { DIO2, TXEN_RXEN, NONE }

    /** Frequency synthesiser step: 32 MHz / 2^25 (datasheet 13.4.1). */
    public static final double FSTEP_HZ = 32e6 / (1 << 25);

    // BUSY durations, air-clock nanoseconds (datasheet table 8-? "switching times" and 13.1.12 for calibration)
    static final long BUSY_COMMAND = 2_000, BUSY_COLD_START = 3_500_000, BUSY_WARM_START = 340_000,
            BUSY_CALIBRATE_ALL = 3_500_000, BUSY_CALIBRATE_IMAGE = 1_200_000, BUSY_MODE_CHANGE = 50_000;

    private static final int MODE_SLEEP = 0, MODE_STBY_RC = 2, MODE_STBY_XOSC = 3, MODE_FS = 4, MODE_RX = 5,
            MODE_TX = 6;
    private static final int ST_OK = 1, ST_DATA = 2, ST_ERROR = 4, ST_FAILED = 5, ST_TX_DONE = 6;
    private static final int IRQ_TX_DONE = 1, IRQ_RX_DONE = 2, IRQ_PREAMBLE = 4, IRQ_SYNC = 8, IRQ_HEADER_VALID = 16,
            IRQ_CRC_ERR = 64, IRQ_CAD_DONE = 128, IRQ_CAD_DETECTED = 256, IRQ_TIMEOUT = 512;
    private static final int ERR_XOSC_START = 1 << 5, ERR_PLL_LOCK = 1 << 6, ERR_IMG_CALIB = 1 << 4;
    /** SetModulationParams bandwidth codes (table 13-47) to Hz. */
    private static final Map<Integer, Double> BANDWIDTHS = Map.of(0x00, 7_812.5, 0x08, 10_416.7, 0x01, 15_625.0,
            0x09, 20_833.3, 0x02, 31_250.0, 0x0A, 41_666.7, 0x03, 62_500.0, 0x04, 125_000.0, 0x05, 250_000.0,
            0x06, 500_000.0);

    private final String name;
    private final SimulatedAir air;
    private final Variant variant;
    private final Integer tcxoCode; // the module's TCXO needs at least this SetDIO3AsTcxoCtrl voltage code; null = XTAL
    private final RfSwitch rfSwitch;
    private final List<Runnable> dio1Listeners = new CopyOnWriteArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<byte[]> commandLog = new ArrayList<>();

    // chip state (reset by powerOnReset; "warm" fields survive warm-start sleep)
    private final byte[] buffer = new byte[256];
    private final Map<Integer, Integer> registers = new HashMap<>();
    private int mode;
    private int commandStatus;
    private long busyUntil;
    private long epoch;
    private int packetType;
    private long frf;
    private int sf, bwCode, cr, ldro;
    private int preamble, headerType, payloadLength, crcType, invertIq;
    private boolean modulationSet;
    private int txBase, rxBase, rxStart, rxLength;
    private int irq, irqMask, dio1Mask;
    private boolean dio2RfSwitch;
    private int tcxoVoltage = -1;
    private int regulator, fallback = MODE_STBY_RC;
    private int txPower, ramp;
    private int cadSymbols = 1, cadExit;
    private long cadTimeout;
    private int deviceErrors;
    private int[] imageCalibrated;
    private boolean calibrated;
    private double lastRssi = -127, lastSnr;
    private boolean rxContinuous;
    private long rxSince = -1;
    private boolean rtcRunningAfterRx;
    private AirFrame ongoingTx;

    // pins
    private boolean dio1Level;
    private int pendingEdges;
    private int edgesToDrop;
    private boolean inReset;
    private boolean chipSelectOnGpio, chipSelectLow;
    private boolean txEnable, rxEnable;
    private Integer floatingMiso;
    private String versionString = "SX1261 V2D 2D02";
    private long framesHeard, busyViolations;

    private EmulatedSx126x(String name, SimulatedAir air, Variant variant, Integer tcxoCode, RfSwitch rfSwitch) {
        this.name = name;
        this.air = air;
        this.variant = variant;
        this.tcxoCode = tcxoCode;
        this.rfSwitch = rfSwitch;
        powerOnReset(true);
        busyUntil = 0; // powered long ago
    }

    /**
     * A module on {@code air}.
     *
     * @param tcxoVoltageCode the SetDIO3AsTcxoCtrl code the module's TCXO needs at least (0x02 = 1.8 V), or null
     *     for a crystal
     */
    public static EmulatedSx126x attach(SimulatedAir air, String name, Variant variant, Integer tcxoVoltageCode,
                                        RfSwitch rfSwitch) {
        EmulatedSx126x chip = new EmulatedSx126x(name, air, variant, tcxoVoltageCode, rfSwitch);
        air.attach(chip);
        return chip;
    }

    /** An E22-900M22S-like module: SX1262, 1.8 V TCXO, DIO2 as RF switch. */
    public static EmulatedSx126x sx1262(SimulatedAir air, String name) {
        return attach(air, name, Variant.SX1262, 0x02, RfSwitch.DIO2);
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------------------------------------- pins

    /** BUSY: high while the chip processes a command, starts, or sleeps. */
    public DigitalInput busy() {
        return new DigitalInput() {
            @Override
            public boolean isHigh() {
                synchronized (EmulatedSx126x.this) {
                    return busyHigh();
                }
            }

            @Override
            public void addRisingEdgeListener(Runnable listener) {
                // nobody waits for BUSY edges; the driver polls the level
            }
        };
    }

    /** DIO1: high while an IRQ routed to it (SetDioIrqParams) is set. */
    public DigitalInput dio1() {
        return new DigitalInput() {
            @Override
            public boolean isHigh() {
                synchronized (EmulatedSx126x.this) {
                    return dio1Level;
                }
            }

            @Override
            public void addRisingEdgeListener(Runnable listener) {
                dio1Listeners.add(listener);
            }
        };
    }

    /** NRESET: low holds the chip in reset; the rising edge is a cold start (BUSY high for about 3.5 ms). */
    public DigitalOutput resetPin() {
        return high -> {
            synchronized (this) {
                if (!high) {
                    inReset = true;
                } else if (inReset) {
                    inReset = false;
                    powerOnReset(true);
                }
            }
        };
    }

    /** NSS on a GPIO: once used, the chip answers only while it is low. */
    public synchronized DigitalOutput chipSelectPin() {
        chipSelectOnGpio = true;
        return high -> {
            synchronized (this) {
                chipSelectLow = !high;
            }
        };
    }

    public DigitalOutput txEnablePin() {
        return high -> {
            synchronized (this) {
                txEnable = high;
            }
        };
    }

    public DigitalOutput rxEnablePin() {
        return high -> {
            synchronized (this) {
                rxEnable = high;
            }
        };
    }

    // ---------------------------------------------------------------------------------------------- faults

    /** MISO not connected (or CS wired elsewhere): every byte reads {@code value}. */
    public synchronized void disconnectMiso(int value) {
        floatingMiso = value & 0xFF;
    }

    public synchronized void setVersionString(String version) {
        versionString = version;
        writeVersion();
    }

    /** The next {@code n} rising edges of DIO1 happen on the pin but never reach the listeners. */
    public synchronized void dropNextDio1Edges(int n) {
        edgesToDrop += n;
    }

    /** A brown-out: the chip restarts cold (GFSK, STDBY_RC, defaults) without NRESET. */
    public void brownOut() {
        synchronized (this) {
            powerOnReset(true);
        }
    }

    // ---------------------------------------------------------------------------------------------- inspection

    /** What the host did that the datasheet forbids: BUSY ignored, errata not applied, image not calibrated... */
    public synchronized List<String> protocolViolations() {
        return List.copyOf(violations);
    }

    public synchronized long busyViolations() {
        return busyViolations;
    }

    /** Every command the chip accepted (BUSY low), as sent. */
    public synchronized List<byte[]> commandLog() {
        return new ArrayList<>(commandLog);
    }

    public synchronized void clearCommandLog() {
        commandLog.clear();
    }

    public synchronized int register(int address) {
        return registers.getOrDefault(address, 0);
    }

    public synchronized boolean asleep() {
        return mode == MODE_SLEEP;
    }

    /** Chip mode as in the status byte (2 STBY_RC, 3 STBY_XOSC, 4 FS, 5 RX, 6 TX; 0 asleep). */
    public synchronized int chipMode() {
        return mode;
    }

    public synchronized double frequencyHz() {
        return frf * FSTEP_HZ;
    }

    public synchronized long framesHeard() {
        return framesHeard;
    }

    public synchronized int deviceErrors() {
        return deviceErrors;
    }

    // ---------------------------------------------------------------------------------------------- SPI

    @Override
    public byte[] transfer(byte[] tx) {
        byte[] rx = new byte[tx.length];
        int edges;
        synchronized (this) {
            if (floatingMiso != null) {
                Arrays.fill(rx, (byte) (int) floatingMiso);
                return rx;
            }
            if (inReset || (chipSelectOnGpio && !chipSelectLow) || tx.length == 0) return rx;
            long now = now();
            if (mode == MODE_SLEEP) {
                // NSS falling edge wakes the chip (datasheet 13.1.1); the command itself is lost
                boolean warm = registers.getOrDefault(-1, 0) == 1;
                mode = MODE_STBY_RC;
                if (!warm) powerOnReset(false);
                busyUntil = now + (warm ? BUSY_WARM_START : BUSY_COLD_START);
                return rx;
            }
            if (busyHigh()) {
                busyViolations++;
                violation(String.format("command 0x%02X sent while BUSY was high (ignored)", tx[0] & 0xFF));
                return rx;
            }
            commandLog.add(tx.clone());
            byte status = (byte) statusByte();
            Arrays.fill(rx, status);
            busyUntil = now + BUSY_COMMAND;
            execute(tx, rx, now);
            edges = takeEdges();
        }
        fire(edges);
        return rx;
    }

    private int statusByte() {
        return (mode << 4) | (commandStatus << 1);
    }

    private void execute(byte[] tx, byte[] rx, long now) {
        int op = tx[0] & 0xFF;
        int[] p = new int[tx.length - 1];
        for (int i = 1; i < tx.length; i++) p[i - 1] = tx[i] & 0xFF;
        int result = ST_OK;
        switch (op) {
            case 0xC0 -> result = ST_OK; // GetStatus
            case 0x84 -> result = setSleep(p); // SetSleep
            case 0x80 -> result = need(p, 1) ? setStandby(p[0], now) : ST_ERROR;
            case 0xC1 -> result = startOscillatorMode(MODE_FS, now); // SetFs
            case 0x83 -> result = need(p, 3) ? setTx(u24(p, 0), now) : ST_ERROR;
            case 0x82 -> result = need(p, 3) ? setRx(u24(p, 0), now) : ST_ERROR;
            case 0xC5 -> result = setCad(now);
            case 0x96 -> {
                if (!need(p, 1) || p[0] > 1) result = ST_ERROR;
                else regulator = p[0];
            }
            case 0x89 -> result = need(p, 1) ? calibrate(p[0], now) : ST_ERROR;
            case 0x98 -> result = need(p, 2) ? calibrateImage(p[0], p[1], now) : ST_ERROR;
            case 0x95 -> result = need(p, 4) && p[2] == 0 && p[3] == 1 ? ST_OK : ST_ERROR; // SetPaConfig (HP PA)
            case 0x93 -> {
                if (!need(p, 1) || (p[0] != 0x20 && p[0] != 0x30 && p[0] != 0x40)) result = ST_ERROR;
                else fallback = p[0] == 0x20 ? MODE_STBY_RC : p[0] == 0x30 ? MODE_STBY_XOSC : MODE_FS;
            }
            case 0x0D -> { // WriteRegister
                if (!need(p, 3)) {
                    result = ST_ERROR;
                } else {
                    int a = (p[0] << 8) | p[1];
                    for (int i = 2; i < p.length; i++) writeRegister(a++, p[i]);
                }
            }
            case 0x1D -> { // ReadRegister: addr H, addr L, status, data...
                if (!need(p, 3)) {
                    result = ST_ERROR;
                } else {
                    int a = (p[0] << 8) | p[1];
                    for (int i = 4; i < tx.length; i++) rx[i] = (byte) (int) registers.getOrDefault(a++, 0);
                    result = ST_DATA;
                }
            }
            case 0x0E -> { // WriteBuffer
                if (!need(p, 2)) result = ST_ERROR;
                else for (int i = 1, o = p[0]; i < p.length; i++, o = (o + 1) & 0xFF) buffer[o] = (byte) p[i];
            }
            case 0x1E -> { // ReadBuffer: offset, status, data...
                if (!need(p, 2)) {
                    result = ST_ERROR;
                } else {
                    for (int i = 3, o = p[0]; i < tx.length; i++, o = (o + 1) & 0xFF) rx[i] = buffer[o];
                    result = ST_DATA;
                }
            }
            case 0x08 -> { // SetDioIrqParams
                if (!need(p, 8)) {
                    result = ST_ERROR;
                } else {
                    irqMask = (p[0] << 8) | p[1];
                    dio1Mask = (p[2] << 8) | p[3];
                    updateDio1();
                }
            }
            case 0x12 -> { // GetIrqStatus: status, irq H, irq L
                if (tx.length > 2) rx[2] = (byte) (irq >> 8);
                if (tx.length > 3) rx[3] = (byte) irq;
                result = ST_DATA;
            }
            case 0x02 -> { // ClearIrqStatus
                if (!need(p, 2)) {
                    result = ST_ERROR;
                } else {
                    irq &= ~((p[0] << 8) | p[1]);
                    updateDio1();
                }
            }
            case 0x9D -> {
                if (!need(p, 1) || p[0] > 1) result = ST_ERROR;
                else dio2RfSwitch = p[0] == 1;
            }
            case 0x97 -> { // SetDIO3AsTcxoCtrl: only in STDBY_RC
                if (!need(p, 4) || p[0] > 7 || mode != MODE_STBY_RC) result = ST_ERROR;
                else tcxoVoltage = p[0];
            }
            case 0x86 -> { // SetRfFrequency
                if (!need(p, 4)) result = ST_ERROR;
                else frf = ((long) p[0] << 24) | ((long) p[1] << 16) | ((long) p[2] << 8) | p[3];
            }
            case 0x8A -> { // SetPacketType: in standby only
                if (!need(p, 1) || p[0] > 1 || !standby()) result = ST_ERROR;
                else packetType = p[0];
            }
            case 0x11 -> {
                if (tx.length > 2) rx[2] = (byte) packetType;
                result = ST_DATA;
            }
            case 0x8E -> { // SetTxParams: power -9..+22 on the high-power PA, ramp code 0..7
                int power = need(p, 2) ? (byte) p[0] : 99;
                if (power < -9 || power > 22 || p[1] > 7) result = ST_ERROR;
                else {
                    txPower = power;
                    ramp = p[1];
                }
            }
            case 0x8B -> result = need(p, 4) ? setModulation(p) : ST_ERROR;
            case 0x8C -> result = need(p, 6) ? setPacketParams(p) : ST_ERROR;
            case 0x88 -> { // SetCadParams
                if (!need(p, 7) || p[0] > 4 || p[3] > 1) result = ST_ERROR;
                else {
                    cadSymbols = 1 << p[0];
                    cadExit = p[3];
                    cadTimeout = u24(p, 4);
                }
            }
            case 0x8F -> {
                if (!need(p, 2)) result = ST_ERROR;
                else {
                    txBase = p[0];
                    rxBase = p[1];
                }
            }
            case 0xA0 -> result = need(p, 1) ? ST_OK : ST_ERROR;
            case 0x15 -> { // GetRssiInst
                if (tx.length > 2) rx[2] = (byte) Math.min(255, (int) Math.round(-lastRssi * 2));
                result = ST_DATA;
            }
            case 0x13 -> { // GetRxBufferStatus: status, length, start
                if (tx.length > 2) rx[2] = (byte) rxLength;
                if (tx.length > 3) rx[3] = (byte) rxStart;
                result = ST_DATA;
            }
            case 0x14 -> { // GetPacketStatus (LoRa): status, RssiPkt, SnrPkt, SignalRssiPkt
                int rssi = Math.max(0, Math.min(255, (int) Math.round(-lastRssi * 2)));
                if (tx.length > 2) rx[2] = (byte) rssi;
                if (tx.length > 3) rx[3] = (byte) Math.round(lastSnr * 4);
                if (tx.length > 4) rx[4] = (byte) Math.max(0, Math.min(255,
                        (int) Math.round(-(lastRssi - Math.min(0, lastSnr)) * 2)));
                result = ST_DATA;
            }
            case 0x17 -> { // GetDeviceErrors: status, errors H, L
                if (tx.length > 2) rx[2] = (byte) (deviceErrors >> 8);
                if (tx.length > 3) rx[3] = (byte) deviceErrors;
                result = ST_DATA;
            }
            case 0x07 -> deviceErrors = 0;
            case 0x10, 0x00, 0x9F, 0x94, 0xD1, 0xD2 -> result = ST_OK; // stats, timers, test modes: accepted
            default -> {
                result = ST_ERROR;
                // the opcode is decoded after the first byte: the rest of this transaction already says so
                for (int i = 1; i < rx.length; i++) rx[i] = (byte) ((mode << 4) | (ST_ERROR << 1));
            }
        }
        commandStatus = result;
    }

    private static boolean need(int[] p, int n) {
        return p.length >= n;
    }

    private static long u24(int[] p, int i) {
        return ((long) p[i] << 16) | ((long) p[i + 1] << 8) | p[i + 2];
    }

    private boolean standby() {
        return mode == MODE_STBY_RC || mode == MODE_STBY_XOSC;
    }

    private int setSleep(int[] p) {
        if (!standby()) return ST_ERROR; // SetSleep only from standby (13.1.1)
        abortTx();
        boolean warm = p.length >= 1 && (p[0] & 0x04) != 0;
        registers.put(-1, warm ? 1 : 0); // remembered across the sleep, not a real register
        mode = MODE_SLEEP;
        epoch++;
        busyUntil = Long.MAX_VALUE;
        return ST_OK;
    }

    private int setStandby(int which, long now) {
        if (which > 1) return ST_ERROR;
        leaveActiveMode();
        if (which == 1) return startOscillatorMode(MODE_STBY_XOSC, now);
        mode = MODE_STBY_RC;
        return ST_OK;
    }

    /** XOSC or TCXO must start for STDBY_XOSC, FS, RX and TX. */
    private boolean oscillatorStarts() {
        if (tcxoCode == null) return true;
        if (tcxoVoltage < tcxoCode) {
            deviceErrors |= ERR_XOSC_START;
            return false;
        }
        return true;
    }

    private int startOscillatorMode(int target, long now) {
        leaveActiveMode();
        if (!oscillatorStarts()) {
            mode = MODE_STBY_RC;
            return ST_FAILED;
        }
        if (target != MODE_STBY_XOSC && !pllLocks()) {
            mode = MODE_STBY_RC;
            return ST_FAILED;
        }
        mode = target;
        busyUntil = now + BUSY_MODE_CHANGE;
        return ST_OK;
    }

    private boolean pllLocks() {
        double f = frequencyHz();
        if (f < variant.minHz || f > variant.maxHz) {
            deviceErrors |= ERR_PLL_LOCK;
            return false;
        }
        return true;
    }

    private int calibrate(int blocks, long now) {
        if (mode != MODE_STBY_RC) return ST_ERROR; // Calibrate only in STDBY_RC (13.1.12)
        busyUntil = now + BUSY_CALIBRATE_ALL;
        if ((blocks & 0x7F) == 0x7F) {
            if (tcxoCode != null && tcxoVoltage < tcxoCode) {
                // no 32 MHz reference: the PLL and ADC blocks cannot calibrate (13.1.12, XOSC_START_ERR)
                deviceErrors |= ERR_XOSC_START | 0x0C;
                return ST_FAILED;
            }
            calibrated = true;
        }
        return ST_OK;
    }

    private int calibrateImage(int f1, int f2, long now) {
        if (!standby()) return ST_ERROR;
        busyUntil = now + BUSY_CALIBRATE_IMAGE;
        if (tcxoCode != null && tcxoVoltage < tcxoCode) {
            deviceErrors |= ERR_XOSC_START | ERR_IMG_CALIB;
            return ST_FAILED;
        }
        if (f2 < f1) return ST_ERROR;
        imageCalibrated = new int[] {f1, f2};
        return ST_OK;
    }

    private int setModulation(int[] p) {
        if (packetType != 1) return ST_OK; // GFSK parameters: stored by a real chip, not emulated
        int s = p[0], bw = p[1], c = p[2], l = p[3];
        if (s < 5 || s > 12 || !BANDWIDTHS.containsKey(bw) || c < 1 || c > 4 || l > 1) return ST_ERROR;
        if (variant == Variant.LLCC68) {
            // LLCC68 datasheet: 125 kHz SF5-9, 250 kHz SF5-10, 500 kHz SF5-11; no narrower bandwidths
            int max = bw == 0x04 ? 9 : bw == 0x05 ? 10 : bw == 0x06 ? 11 : 0;
            if (s > max) return ST_ERROR;
        }
        sf = s;
        bwCode = bw;
        cr = c;
        ldro = l;
        modulationSet = true;
        return ST_OK;
    }

    private int setPacketParams(int[] p) {
        if (packetType != 1) return ST_OK;
        if (p[2] > 1 || p[4] > 1 || p[5] > 1) return ST_ERROR;
        preamble = (p[0] << 8) | p[1];
        headerType = p[2];
        payloadLength = p[3];
        crcType = p[4];
        invertIq = p[5];
        return ST_OK;
    }

    private void writeRegister(int address, int value) {
        if (address >= 0x0320 && address < 0x0330) return; // version string: read-only
        registers.put(address, value & 0xFF);
        if (address == 0x0902 && value == 0) rtcRunningAfterRx = false; // erratum 15.3 workaround, with 0x0944
    }

    // ---------------------------------------------------------------------------------------------- TX

    private int setTx(long timeout, long now) {
        if (packetType != 1 || !modulationSet) {
            violation("SetTx without LoRa packet type and modulation parameters");
            return packetType != 1 ? ST_OK : ST_ERROR;
        }
        int status = startOscillatorMode(MODE_TX, now);
        if (status != ST_OK) return status;
        checkImageCalibration();
        boolean bw500 = bwCode == 0x06;
        int txMod = registers.getOrDefault(0x0889, 0);
        boolean modulationOk = bw500 ? (txMod & 0x04) == 0 : (txMod & 0x04) != 0;
        if (!modulationOk) {
            violation("erratum 15.1: register 0x0889 bit 2 must be " + (bw500 ? "0 at 500 kHz" : "1 below 500 kHz"));
        }
        if ((registers.getOrDefault(0x08D8, 0) & 0x1E) != 0x1E) {
            violation("erratum 15.2: register 0x08D8 must have bits 4..1 set (PA clamping)");
        }
        if (rtcRunningAfterRx) violation("erratum 15.3: RTC left running after an implicit-header RX with timeout");
        int length = payloadLength;
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) payload[i] = buffer[(txBase + i) & 0xFF];
        long tsym = symbolNanos();
        long quarter = 4L * preamble + (sf < 7 ? 25 : 17);
        long preambleNanos = tsym * quarter / 4;
        long end = now + BUSY_MODE_CHANGE + preambleNanos + payloadSymbols(length) * tsym;
        long start = now + BUSY_MODE_CHANGE;
        AirFrame frame = new AirFrame(this, air.nextFrameId(), frequencyHz(), sf, BANDWIDTHS.get(bwCode), cr,
                headerType == 1, crcType == 1, ldro == 1, preamble, syncWord(), invertIq == 1, payload, start,
                start + preambleNanos, end, tsym);
        ongoingTx = frame;
        boolean radiated = switch (rfSwitch) {
            case DIO2 -> dio2RfSwitch;
            case TXEN_RXEN -> txEnable && !rxEnable;
            case NONE -> true;
        };
        if (!radiated) violation("RF switch not in TX position: nothing radiated");
        if (!modulationOk && bw500) frame = corruptCopy(frame);
        if (radiated) {
            air.transmit(frame);
        } else {
            AirFrame f = frame;
            air.clock().schedule(end, () -> transmissionEnded(f));
        }
        ongoingTx = frame;
        if (timeout > 0) {
            long myEpoch = epoch;
            air.clock().schedule(now + Math.round(timeout * 15_625.0), () -> txTimeout(myEpoch));
        }
        return ST_OK;
    }

    /** 15.1 ignored at 500 kHz: the modulation is degraded; receivers get a garbled payload (CRC error). */
    private static AirFrame corruptCopy(AirFrame f) {
        byte[] p = f.payload().clone();
        if (p.length > 0) p[0] ^= 0x5A;
        return new AirFrame(f.sender(), f.id(), f.frequencyHz(), f.spreadingFactor(), f.bandwidthHz(),
                f.codingRate(), f.implicitHeader(), f.crcOn(), f.lowDataRateOptimize(), f.preambleLength(),
                f.syncWord(), f.invertedIq(), p, f.startNanos(), f.preambleEndNanos(), f.endNanos(), f.symbolNanos());
    }

    @Override
    public void transmissionEnded(AirFrame frame) {
        int edges;
        synchronized (this) {
            if (ongoingTx == null || ongoingTx.id() != frame.id()) return;
            ongoingTx = null;
            mode = fallback;
            epoch++;
            commandStatus = ST_TX_DONE;
            raise(IRQ_TX_DONE);
            edges = takeEdges();
        }
        fire(edges);
    }

    private void txTimeout(long myEpoch) {
        int edges;
        synchronized (this) {
            if (myEpoch != epoch || mode != MODE_TX) return;
            abortTx();
            mode = fallback;
            epoch++;
            raise(IRQ_TIMEOUT);
            edges = takeEdges();
        }
        fire(edges);
    }

    private void abortTx() {
        if (ongoingTx != null) air.abort(ongoingTx);
        ongoingTx = null;
    }

    /** Leaving TX, RX or CAD for another mode. */
    private void leaveActiveMode() {
        if (mode == MODE_TX) abortTx();
        epoch++;
        rxSince = -1;
    }

    // ---------------------------------------------------------------------------------------------- RX, CAD

    private int setRx(long timeout, long now) {
        if (packetType != 1 || !modulationSet) {
            violation("SetRx without LoRa packet type and modulation parameters");
            return packetType != 1 ? ST_OK : ST_ERROR;
        }
        if (rtcRunningAfterRx) violation("erratum 15.3: RTC left running after an implicit-header RX with timeout");
        int status = startOscillatorMode(MODE_RX, now);
        if (status != ST_OK) return status;
        checkImageCalibration();
        rxSince = now + BUSY_MODE_CHANGE;
        rxContinuous = timeout == 0xFFFFFF;
        if (timeout != 0 && !rxContinuous) {
            long myEpoch = epoch;
            long at = now + Math.round(timeout * 15_625.0);
            air.clock().schedule(at, () -> rxTimeout(myEpoch));
        }
        return ST_OK;
    }

    private void rxTimeout(long myEpoch) {
        int edges;
        synchronized (this) {
            boolean stray = rtcRunningAfterRx;
            if ((myEpoch != epoch || mode != MODE_RX) && !stray) return;
            if (stray) {
                // erratum 15.3: the RTC was not stopped after the implicit-header RxDone: a Timeout that should not be
                rtcRunningAfterRx = false;
                violation("erratum 15.3: stray RX Timeout after an implicit-header reception (RTC not stopped)");
            } else {
                mode = fallback;
                epoch++;
                rxSince = -1;
            }
            raise(IRQ_TIMEOUT);
            edges = takeEdges();
        }
        fire(edges);
    }

    private int setCad(long now) {
        if (packetType != 1 || !modulationSet) return ST_ERROR;
        int status = startOscillatorMode(MODE_RX, now);
        if (status != ST_OK) return status;
        long myEpoch = epoch;
        long from = now + BUSY_MODE_CHANGE;
        long to = from + cadSymbols * symbolNanos();
        air.clock().schedule(to + symbolNanos() / 2, () -> cadEnded(myEpoch, from, to));
        return ST_OK;
    }

    private void cadEnded(long myEpoch, long from, long to) {
        int edges;
        synchronized (this) {
            if (myEpoch != epoch || mode != MODE_RX) return;
            boolean heard = rxPathOpen()
                    && air.preambleDuring(from, to, frequencyHz(), sf, BANDWIDTHS.get(bwCode), this);
            if (heard) raise(IRQ_CAD_DETECTED);
            raise(IRQ_CAD_DONE);
            epoch++;
            if (heard && cadExit == 1) {
                // CAD_RX: stay in RX for the packet, with cadTimeout
                long now = now();
                rxSince = from;
                rxContinuous = false;
                long e = epoch;
                if (cadTimeout > 0) air.clock().schedule(now + Math.round(cadTimeout * 15_625.0), () -> rxTimeout(e));
            } else {
                mode = MODE_STBY_RC;
                rxSince = -1;
            }
            edges = takeEdges();
        }
        fire(edges);
    }

    private boolean rxPathOpen() {
        return switch (rfSwitch) {
            case DIO2 -> dio2RfSwitch; // DIO2 low in RX selects the RX path once the chip drives it
            case TXEN_RXEN -> rxEnable && !txEnable;
            case NONE -> true;
        };
    }

    @Override
    public void frameEnded(AirFrame frame) {
        int edges;
        synchronized (this) {
            receive(frame);
            edges = takeEdges();
        }
        fire(edges);
    }

    private void receive(AirFrame frame) {
        if (air.aborted(frame) || mode != MODE_RX || rxSince < 0 || packetType != 1) return;
        long mustListenBy = frame.startNanos() + Math.max(0, frame.preambleLength() - 4) * frame.symbolNanos();
        if (rxSince > mustListenBy) return;
        if (!frame.sameChannelAs(frequencyHz(), sf, BANDWIDTHS.get(bwCode))) return;
        if (frame.syncWord() != syncWord()) return;
        if (frame.implicitHeader() != (headerType == 1)) return;
        // Erratum 15.4: with inverted IQ the register 0x0736 bit 2 must be cleared (set with standard IQ);
        // otherwise the receiver's IQ is effectively the wrong one and packets are lost
        boolean iqRegisterStandard = (registers.getOrDefault(0x0736, 0) & 0x04) != 0;
        if (invertIq == 1 && iqRegisterStandard) {
            violation("erratum 15.4: inverted IQ with register 0x0736 bit 2 set: packets lost");
            return;
        }
        if (frame.invertedIq() != (invertIq == 1)) return;
        // preamble lengths need not agree (see the SX127x emulator): the receiver locks once it hears 4 symbols
        if (!rxPathOpen()) return;
        if (air.collides(frame, this)) return;
        LinkConditions link = air.link(frame.sender(), this);
        if (air.nextRandom() < link.lossProbability()) return;
        boolean corrupt = air.nextRandom() < link.corruptionProbability();
        byte[] data;
        boolean crcPresent;
        if (headerType == 1) {
            crcPresent = crcType == 1;
            data = Arrays.copyOf(frame.payload(), payloadLength);
            if (payloadLength != frame.payload().length || crcPresent != frame.crcOn() || cr != frame.codingRate()) {
                corrupt = true;
            }
        } else {
            crcPresent = frame.crcOn();
            data = frame.payload().clone();
            if (data.length > payloadLength) return; // longer than the receiver's maximum: header error, dropped
        }
        if ((ldro == 1) != frame.lowDataRateOptimize()) corrupt = true;
        if (corrupt && data.length > 0) data[(int) (air.nextRandom() * data.length)] ^= 0x5A;
        for (int i = 0; i < data.length; i++) buffer[(rxBase + i) & 0xFF] = data[i];
        rxStart = rxBase;
        rxLength = data.length;
        lastRssi = link.rssiDbm();
        lastSnr = link.snrDb();
        raise(IRQ_PREAMBLE);
        raise(IRQ_SYNC);
        if (headerType == 0) raise(IRQ_HEADER_VALID);
        raise(IRQ_RX_DONE);
        if (corrupt && crcPresent) raise(IRQ_CRC_ERR);
        commandStatus = ST_DATA;
        framesHeard++;
        if (!rxContinuous) {
            mode = fallback;
            if (headerType == 1) rtcRunningAfterRx = true; // erratum 15.3: the RTC keeps counting
            else epoch++;
            rxSince = -1;
        }
    }

    private void checkImageCalibration() {
        if (imageCalibrated == null) {
            violation(String.format("RX/TX at %.3f MHz without image calibration", frequencyHz() / 1e6));
            return;
        }
        double mhz = frequencyHz() / 1e6;
        if (mhz < imageCalibrated[0] * 4 || mhz > imageCalibrated[1] * 4) {
            violation(String.format("RX/TX at %.3f MHz outside the image calibration %d-%d MHz", mhz,
                    imageCalibrated[0] * 4, imageCalibrated[1] * 4));
        }
        if (!calibrated) violation("RX/TX before Calibrate");
    }

    // ---------------------------------------------------------------------------------------------- IRQ, DIO1

    private void raise(int flag) {
        if ((irqMask & flag) == 0) return; // disabled in the IRQ mask: the flag is not set (13.3.1)
        irq |= flag;
        updateDio1();
    }

    private void updateDio1() {
        boolean level = (irq & dio1Mask) != 0;
        if (level && !dio1Level) {
            if (edgesToDrop > 0) edgesToDrop--;
            else pendingEdges++;
        }
        dio1Level = level;
    }

    private int takeEdges() {
        int n = pendingEdges;
        pendingEdges = 0;
        return n;
    }

    private void fire(int edges) {
        for (int i = 0; i < edges; i++) {
            for (Runnable l : dio1Listeners) l.run();
        }
    }

    // ---------------------------------------------------------------------------------------------- state

    private long now() {
        return air.clock().nanoTime();
    }

    private boolean busyHigh() {
        return inReset || mode == MODE_SLEEP || now() < busyUntil;
    }

    private void violation(String what) {
        violations.add(name + ": " + what);
    }

    private void powerOnReset(boolean coldStart) {
        abortTx();
        registers.clear();
        writeVersion();
        registers.put(0x0740, 0x14); // private sync word 0x12 (table 12-1)
        registers.put(0x0741, 0x24);
        registers.put(0x0736, 0x0D); // IQ polarity: bit 2 set (standard)
        registers.put(0x0889, 0x00); // erratum 15.1: the host sets bit 2 below 500 kHz
        registers.put(0x08D8, 0xC0); // erratum 15.2: the host sets bits 4..1
        registers.put(0x08E7, 0x18); // OCP 60 mA (SX1261 default) until SetPaConfig
        registers.put(0x0902, 0x00);
        registers.put(0x0944, 0x00);
        Arrays.fill(buffer, (byte) 0);
        mode = MODE_STBY_RC;
        commandStatus = ST_OK;
        epoch++;
        packetType = 0;
        frf = Math.round(915e6 / FSTEP_HZ);
        sf = 7;
        bwCode = 0x04;
        cr = 1;
        ldro = 0;
        modulationSet = false;
        preamble = 8;
        headerType = 0;
        payloadLength = 0xFF;
        crcType = 1;
        invertIq = 0;
        txBase = rxBase = rxStart = rxLength = 0;
        irq = irqMask = dio1Mask = 0;
        dio1Level = false;
        dio2RfSwitch = false;
        tcxoVoltage = -1;
        regulator = 0;
        fallback = MODE_STBY_RC;
        deviceErrors = 0;
        imageCalibrated = null;
        calibrated = false;
        rxSince = -1;
        rtcRunningAfterRx = false;
        if (coldStart) busyUntil = now() + BUSY_COLD_START;
    }

    private void writeVersion() {
        byte[] v = Arrays.copyOf(versionString.getBytes(StandardCharsets.US_ASCII), 16);
        for (int i = 0; i < 16; i++) registers.put(0x0320 + i, v[i] & 0xFF);
    }

    private int syncWord() {
        return (registers.getOrDefault(0x0740, 0) << 8) | registers.getOrDefault(0x0741, 0);
    }

    long symbolNanos() {
        return Math.round((1L << sf) / BANDWIDTHS.get(bwCode) * 1e9);
    }

    /** Datasheet 6.1.4: payload symbols for the current parameters. */
    long payloadSymbols(int length) {
        boolean low = sf < 7;
        double numerator = 8.0 * length + (crcType == 1 ? 16 : 0) - 4 * sf + (low ? 0 : 8) + (headerType == 0 ? 20 : 0);
        double denominator = 4.0 * (sf - (ldro == 1 && !low ? 2 : 0));
        return 8 + (long) Math.max(Math.ceil(numerator / denominator) * (cr + 4), 0);
    }

    @Override
    public String toString() {
        return "EmulatedSx126x[" + name + ", " + variant + "]";
    }
}
