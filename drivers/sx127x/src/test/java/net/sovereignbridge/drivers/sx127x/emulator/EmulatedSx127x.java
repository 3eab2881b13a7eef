package net.sovereignbridge.drivers.sx127x.emulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.sovereignbridge.drivers.sx127x.DigitalInput;
import net.sovereignbridge.drivers.sx127x.DigitalOutput;
import net.sovereignbridge.drivers.sx127x.SpiDevice;

/**
 * A register-level emulator of one Semtech SX1276 in LoRa mode, written from the datasheet (Semtech
 * SX1276/77/78/79 datasheet rev. 7: 4.1.2 operating modes, 4.1.2.3 FIFO, 4.1.6 CAD, 4.3 SPI, 6.4 LoRa register
 * map), not from any driver. It answers SPI transfers like the chip and drives DIO0.
 *
 * <p>What it models: the register file with power-on values, the operating modes and their transitions (the LoRa
 * bit changes only in SLEEP; TX returns to STDBY after TxDone; RXSINGLE and CAD return to STDBY), the 256-byte
 * FIFO with RegFifoAddrPtr (SPI bursts auto-increment the address except on RegFifo, where the FIFO pointer
 * advances instead; the FIFO is cleared in SLEEP and not accessible there), the IRQ flags (write 1 to clear) and
 * their mask (a masked IRQ does not set its flag), DIO0 per RegDioMapping1, NRESET, and chip select driven by a
 * GPIO. Reception, collisions and CAD come from {@link SimulatedAir}.
 *
 * <p>Simplifications (stated, not hidden): the FSK/OOK modem is not emulated (its register page reads the LoRa
 * values); ValidHeader is raised together with RxDone rather than at the end of the header; CAD listens for
 * (2^SF + 32) / BW, reports after a further 7/8 symbol, and detects a preamble on the same channel that is on the
 * air while it listens (as the datasheet describes CAD: a search for a LoRa preamble), never a payload; a receiver must be listening before the last 4 preamble symbols;
 * there is no capture effect; the 5 ms start-up after reset is not modelled.
 */
public final class EmulatedSx127x implements SpiDevice, AirRadio {
    /** Frequency synthesiser step: Fxosc / 2^19 (datasheet 4.1.4). */
    public static final double FSTEP_HZ = 32e6 / (1 << 19);
    /**
     * CAD correlation time after listening, in eighths of a symbol. Datasheet 4.1.6 ("Principle of Operation"): the
     * receiver listens for (2^SF + 32) / BW, then "this correlation process takes a little bit less than a symbol
     * period"; modelled as 7/8 of a symbol.
     */
    public static final int CAD_PROCESSING_EIGHTHS = 7;

    private static final int MODE_SLEEP = 0, MODE_STDBY = 1, MODE_TX = 3, MODE_RXCONT = 5, MODE_RXSINGLE = 6,
            MODE_CAD = 7;
    private static final int IRQ_RX_TIMEOUT = 0x80, IRQ_RX_DONE = 0x40, IRQ_CRC_ERROR = 0x20,
            IRQ_VALID_HEADER = 0x10, IRQ_TX_DONE = 0x08, IRQ_CAD_DONE = 0x04, IRQ_CAD_DETECTED = 0x01;

    /** Power-on values (datasheet table 41 "Registers list", LoRa column where the pages differ). */
    private static final int[][] RESET_VALUES = {
        {0x01, 0x09}, {0x06, 0x6C}, {0x07, 0x80}, {0x08, 0x00}, {0x09, 0x4F}, {0x0A, 0x09}, {0x0B, 0x2B},
        {0x0C, 0x20}, {0x0D, 0x00}, {0x0E, 0x80}, {0x0F, 0x00}, {0x1D, 0x72}, {0x1E, 0x70}, {0x1F, 0x64},
        {0x20, 0x00}, {0x21, 0x08}, {0x22, 0x01}, {0x23, 0xFF}, {0x24, 0x00}, {0x26, 0x04}, {0x31, 0xC3},
        {0x33, 0x27}, {0x37, 0x0A}, {0x39, 0x12}, {0x40, 0x00}, {0x41, 0x00}, {0x42, 0x12}, {0x4D, 0x84},
    };
    /** Registers the host cannot write in LoRa mode (status, counters, version). */
    private static final int[] READ_ONLY = {0x10, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x25,
        0x42};

    private final String name;
    private final SimulatedAir air;
    private final int[] regs = new int[0x80];
    private final byte[] fifo = new byte[256];
    private final List<Runnable> dio0Listeners = new CopyOnWriteArrayList<>();
    private final List<int[]> writeLog = new ArrayList<>();

    private long epoch; // bumped on every mode change: timers of a left mode do nothing
    private long rxSince = -1;
    private AirFrame ongoingTx;
    private boolean dio0Level;
    private int pendingEdges;
    private int edgesToDrop;
    private long edgesDropped;
    private boolean inReset;
    private boolean chipSelectOnGpio;
    private boolean chipSelectLow;
    private Integer floatingMiso;
    private int siliconVersion = 0x12; // non-null: MISO not connected, reads this value
    private long framesHeard;
    private long collisionsSeen;

    EmulatedSx127x(String name, SimulatedAir air) {
        this.name = name;
        this.air = air;
        powerOnReset();
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------------------------------------- pins

    /** The DIO0 line (active high). */
    public DigitalInput dio0() {
        return new DigitalInput() {
            @Override
            public boolean isHigh() {
                synchronized (EmulatedSx127x.this) {
                    return dio0Level;
                }
            }

            @Override
            public void addRisingEdgeListener(Runnable listener) {
                dio0Listeners.add(listener);
            }
        };
    }

    /** NRESET: low holds the chip in reset; the rising edge restores power-on register values (datasheet 7.2). */
    public DigitalOutput resetPin() {
        return high -> {
            synchronized (this) {
                if (!high) {
                    inReset = true;
                } else if (inReset) {
                    inReset = false;
                    powerOnReset();
                }
            }
        };
    }

    /**
     * The chip-select line wired to a GPIO (Dragino style). Once this is used, the chip answers only while the
     * line is low, as a real chip on a shared bus does.
     */
    public synchronized DigitalOutput chipSelectPin() {
        chipSelectOnGpio = true;
        return high -> {
            synchronized (this) {
                chipSelectLow = !high;
            }
        };
    }

    // ---------------------------------------------------------------------------------------------- faults

    /** MISO not connected (or CS wired elsewhere): every byte clocked in reads {@code value} (0x00 or 0xFF). */
    public synchronized void disconnectMiso(int value) {
        floatingMiso = value & 0xFF;
    }

    /** Makes RegVersion read {@code version} (also after resets), e.g. 0x22 to play an SX1272. */
    public synchronized void setVersion(int version) {
        siliconVersion = version & 0xFF;
        regs[0x42] = siliconVersion;
    }

    /** The next {@code n} rising edges of DIO0 happen on the pin but never reach the listeners. */
    public synchronized void dropNextDio0Edges(int n) {
        edgesToDrop += n;
    }

    /** A brown-out: the chip restarts with power-on register values (FSK standby) without NRESET. */
    public void brownOut() {
        synchronized (this) {
            powerOnReset();
        }
    }

    // ---------------------------------------------------------------------------------------------- inspection

    /** The register value without the side effects of an SPI read. */
    public synchronized int peek(int address) {
        return regs[address & 0x7F];
    }

    public synchronized int mode() {
        return regs[0x01] & 0x07;
    }

    public synchronized boolean loRaMode() {
        return (regs[0x01] & 0x80) != 0;
    }

    /** Every register write the host made through SPI, as {address, value}, in order (FIFO writes included). */
    public synchronized List<int[]> writeLog() {
        return new ArrayList<>(writeLog);
    }

    public synchronized void clearWriteLog() {
        writeLog.clear();
    }

    public synchronized long edgesDropped() {
        return edgesDropped;
    }

    public synchronized long framesHeard() {
        return framesHeard;
    }

    public synchronized long collisionsSeen() {
        return collisionsSeen;
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
            if (inReset || (chipSelectOnGpio && !chipSelectLow) || tx.length == 0) {
                return rx; // the chip does not listen: MISO stays low (pulled down by the level shifter)
            }
            int address = tx[0] & 0x7F;
            boolean write = (tx[0] & 0x80) != 0;
            for (int i = 1; i < tx.length; i++) {
                if (write) {
                    writeLog.add(new int[] {address, tx[i] & 0xFF});
                    writeRegister(address, tx[i] & 0xFF);
                } else {
                    rx[i] = (byte) readRegister(address);
                }
                if (address != 0x00) address = (address + 1) & 0x7F; // bursts stay on RegFifo
            }
            edges = takeEdges();
        }
        fire(edges);
        return rx;
    }

    private int readRegister(int address) {
        if (address == 0x00) {
            if (mode() == MODE_SLEEP) return 0; // FIFO not accessible in SLEEP
            int ptr = regs[0x0D];
            regs[0x0D] = (ptr + 1) & 0xFF;
            return fifo[ptr] & 0xFF;
        }
        return regs[address];
    }

    private void writeRegister(int address, int value) {
        switch (address) {
            case 0x00 -> {
                if (mode() == MODE_SLEEP) return;
                int ptr = regs[0x0D];
                fifo[ptr] = (byte) value;
                regs[0x0D] = (ptr + 1) & 0xFF;
            }
            case 0x01 -> writeOpMode(value);
            case 0x12 -> {
                regs[0x12] &= ~value; // write 1 to clear
                updateDio0();
            }
            case 0x40 -> {
                regs[0x40] = value;
                updateDio0();
            }
            default -> {
                for (int ro : READ_ONLY) if (ro == address) return;
                regs[address] = value;
            }
        }
    }

    private void writeOpMode(int value) {
        int old = regs[0x01];
        int oldMode = old & 0x07;
        int next = value & 0xFF;
        if (oldMode != MODE_SLEEP && (next & 0x80) != (old & 0x80)) {
            next = (next & 0x7F) | (old & 0x80); // LongRangeMode is writable only in SLEEP; the write is ignored
        }
        regs[0x01] = next;
        if (next != old) enterMode(next & 0x07, oldMode);
    }

    private void enterMode(int mode, int oldMode) {
        epoch++;
        rxSince = -1;
        if (oldMode == MODE_TX && ongoingTx != null) {
            air.abort(ongoingTx); // cut off mid-air: nobody can decode it
            ongoingTx = null;
        }
        if (mode == MODE_SLEEP) {
            Arrays.fill(fifo, (byte) 0); // datasheet 4.1.2.3: the FIFO is cleared in SLEEP
            regs[0x14] = regs[0x15] = regs[0x16] = regs[0x17] = 0; // counters reset in SLEEP (table 41)
            return;
        }
        if (!loRaMode()) return; // the FSK modem is not emulated
        long now = air.clock().nanoTime();
        switch (mode) {
            case MODE_TX -> startTransmission(now);
            case MODE_RXCONT, MODE_RXSINGLE -> {
                rxSince = now;
                regs[0x25] = regs[0x0F]; // the receive write pointer starts at RegFifoRxBaseAddr
                if (mode == MODE_RXSINGLE) {
                    long symbols = ((long) (regs[0x1E] & 0x03) << 8) | regs[0x1F];
                    long myEpoch = epoch;
                    air.clock().schedule(now + symbols * symbolNanos(), () -> rxSingleTimeout(myEpoch));
                }
            }
            case MODE_CAD -> {
                long myEpoch = epoch;
                long listenEnd = now + cadListenNanos();
                long done = listenEnd + symbolNanos() * CAD_PROCESSING_EIGHTHS / 8;
                air.clock().schedule(done, () -> cadEnded(myEpoch, now, listenEnd));
            }
            default -> { }
        }
    }

    private void startTransmission(long now) {
        int length = regs[0x22];
        byte[] payload = new byte[length];
        int base = regs[0x0E]; // transmission reads the FIFO from RegFifoTxBaseAddr
        for (int i = 0; i < length; i++) payload[i] = fifo[(base + i) & 0xFF];
        long tsym = symbolNanos();
        int preamble = (regs[0x20] << 8) | regs[0x21];
        long preambleNanos = Math.round((preamble + 4.25) * tsym);
        long end = now + preambleNanos + payloadSymbols(length) * tsym;
        AirFrame frame = new AirFrame(this, air.nextFrameId(), frequencyHz(), spreadingFactor(),
                bandwidthHz(bandwidthCode()), (regs[0x1D] >> 1) & 0x07, implicitHeader(), crcOn(),
                lowDataRateOptimize(), preamble, AirFrame.syncWordOfSx127x(regs[0x39]), false, payload, now,
                now + preambleNanos, end, tsym);
        ongoingTx = frame;
        air.transmit(frame);
    }

    // ---------------------------------------------------------------------------------------------- air events

    /** The sender's own frame ended: TxDone, back to STDBY (datasheet 4.1.2.3, "Transmit" sequence). */
    @Override
    public void transmissionEnded(AirFrame frame) {
        int edges;
        synchronized (this) {
            if (ongoingTx != frame) return;
            ongoingTx = null;
            raise(IRQ_TX_DONE);
            setModeInternally(MODE_STDBY);
            edges = takeEdges();
        }
        fire(edges);
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
        if (air.aborted(frame)) return;
        int mode = mode();
        if (!loRaMode() || (mode != MODE_RXCONT && mode != MODE_RXSINGLE) || rxSince < 0) return;
        long mustListenBy = frame.startNanos() + Math.max(0, frame.preambleLength() - 4) * frame.symbolNanos();
        if (rxSince > mustListenBy) return;
        if (!frame.sameChannelAs(frequencyHz(), spreadingFactor(), bandwidthHz(bandwidthCode()))) return;
        if (frame.syncWord() != AirFrame.syncWordOfSx127x(regs[0x39])) return;
        if (frame.implicitHeader() != implicitHeader()) return;
        if (frame.invertedIq()) return; // this emulator's receiver runs standard IQ only (RegInvertIQ not modelled)
        // The preamble lengths need not agree: a receiver locks on any preamble it hears 4 symbols of (datasheet
        // 4.1.1.6 advises programming the longest expected one on the receiver; receivers lock on longer ones too,
        // which wake-on-radio schemes rely on).
        if (air.collides(frame, this)) {
            collisionsSeen++;
            return;
        }
        LinkConditions link = air.link(frame.sender(), this);
        if (air.nextRandom() < link.lossProbability()) return;
        boolean corrupt = air.nextRandom() < link.corruptionProbability();
        byte[] data;
        boolean crcPresent;
        if (implicitHeader()) {
            // implicit: the receiver's own registers describe the packet; any disagreement garbles it
            crcPresent = crcOn();
            data = Arrays.copyOf(frame.payload(), regs[0x22]);
            if (regs[0x22] != frame.payload().length || crcPresent != frame.crcOn()
                    || ((regs[0x1D] >> 1) & 0x07) != frame.codingRate()) {
                corrupt = true;
            }
        } else {
            crcPresent = frame.crcOn();
            data = frame.payload().clone();
        }
        if (lowDataRateOptimize() != frame.lowDataRateOptimize()) corrupt = true; // both ends must agree
        if (corrupt && data.length > 0) data[(int) (air.nextRandom() * data.length)] ^= 0x5A;

        int start = regs[0x25];
        regs[0x10] = start;
        for (int i = 0; i < data.length; i++) fifo[(start + i) & 0xFF] = data[i];
        regs[0x25] = (start + data.length) & 0xFF;
        regs[0x13] = data.length;
        double snr = link.snrDb();
        regs[0x19] = ((int) Math.round(snr * 4)) & 0xFF;
        // datasheet 5.5.5: RSSI = -157 (HF) / -164 (LF) + PacketRssi (+ SNR when SNR < 0), solved for PacketRssi
        int offset = frf() * FSTEP_HZ >= 525e6 ? 157 : 164;
        regs[0x1A] = Math.max(0, Math.min(255, (int) Math.round(link.rssiDbm() + offset - Math.min(0, snr))));
        regs[0x1C] = (regs[0x1C] & ~0x40) | (crcPresent ? 0x40 : 0);
        boolean crcError = corrupt && crcPresent;
        if (!implicitHeader()) {
            increment(0x14);
            raise(IRQ_VALID_HEADER);
        }
        if (!crcError) increment(0x16);
        raise(IRQ_RX_DONE);
        if (crcError) raise(IRQ_CRC_ERROR);
        framesHeard++;
        if (mode == MODE_RXSINGLE) setModeInternally(MODE_STDBY);
    }

    private void rxSingleTimeout(long myEpoch) {
        int edges;
        synchronized (this) {
            if (myEpoch != epoch || mode() != MODE_RXSINGLE) return;
            raise(IRQ_RX_TIMEOUT);
            setModeInternally(MODE_STDBY);
            edges = takeEdges();
        }
        fire(edges);
    }

    private void cadEnded(long myEpoch, long from, long to) {
        int edges;
        synchronized (this) {
            if (myEpoch != epoch || mode() != MODE_CAD) return;
            boolean detected = air.preambleDuring(from, to, frequencyHz(), spreadingFactor(), bandwidthHz(bandwidthCode()),
                    this);
            if (detected) raise(IRQ_CAD_DETECTED);
            raise(IRQ_CAD_DONE);
            setModeInternally(MODE_STDBY);
            edges = takeEdges();
        }
        fire(edges);
    }

    /** The chip changes its own mode (after TxDone, CadDone, RxSingle). */
    private void setModeInternally(int mode) {
        regs[0x01] = (regs[0x01] & ~0x07) | mode;
        epoch++;
        rxSince = -1;
    }

    // ---------------------------------------------------------------------------------------------- IRQ, DIO0

    private void raise(int flag) {
        if ((regs[0x11] & flag) != 0) return; // masked: the flag is not set (datasheet, RegIrqFlagsMask)
        regs[0x12] |= flag;
        updateDio0();
    }

    private void updateDio0() {
        int flags = regs[0x12];
        boolean level = switch ((regs[0x40] >> 6) & 0x03) {
            case 0 -> (flags & IRQ_RX_DONE) != 0;
            case 1 -> (flags & IRQ_TX_DONE) != 0;
            case 2 -> (flags & IRQ_CAD_DONE) != 0;
            default -> false;
        };
        if (level && !dio0Level) {
            if (edgesToDrop > 0) {
                edgesToDrop--;
                edgesDropped++;
            } else {
                pendingEdges++;
            }
        }
        dio0Level = level;
    }

    private int takeEdges() {
        int n = pendingEdges;
        pendingEdges = 0;
        return n;
    }

    /** Listeners run without the chip's lock held, as a GPIO provider thread would call them. */
    private void fire(int edges) {
        for (int i = 0; i < edges; i++) {
            for (Runnable l : dio0Listeners) l.run();
        }
    }

    // ---------------------------------------------------------------------------------------------- modem maths

    private void powerOnReset() {
        Arrays.fill(regs, 0);
        for (int[] rv : RESET_VALUES) regs[rv[0]] = rv[1];
        regs[0x42] = siliconVersion;
        Arrays.fill(fifo, (byte) 0);
        epoch++;
        rxSince = -1;
        if (ongoingTx != null) air.abort(ongoingTx);
        ongoingTx = null;
        dio0Level = false;
    }

    private void increment(int msbAddress) {
        int v = ((regs[msbAddress] << 8) | regs[msbAddress + 1]) + 1;
        regs[msbAddress] = (v >> 8) & 0xFF;
        regs[msbAddress + 1] = v & 0xFF;
    }

    int frf() {
        return (regs[0x06] << 16) | (regs[0x07] << 8) | regs[0x08];
    }

    double frequencyHz() {
        return frf() * FSTEP_HZ;
    }

    int spreadingFactor() {
        int sf = (regs[0x1E] >> 4) & 0x0F;
        return Math.max(6, Math.min(12, sf)); // values above 12 behave as SF12 (datasheet table RegModemConfig2)
    }

    int bandwidthCode() {
        return Math.min(9, (regs[0x1D] >> 4) & 0x0F);
    }

    boolean implicitHeader() {
        return (regs[0x1D] & 0x01) != 0;
    }

    boolean crcOn() {
        return (regs[0x1E] & 0x04) != 0;
    }

    boolean lowDataRateOptimize() {
        return (regs[0x26] & 0x08) != 0;
    }

    /** Signal bandwidths of RegModemConfig1 codes 0..9: 500 kHz divided by 64, 48, 32, 24, 16, 12, 8, 4, 2, 1. */
    static double bandwidthHz(int code) {
        int[] divisors = {64, 48, 32, 24, 16, 12, 8, 4, 2, 1};
        return 500_000.0 / divisors[code];
    }

    /** The receiving part of CAD: (2^SF + 32) / BW (datasheet 4.1.6). */
    long cadListenNanos() {
        return Math.round(((1L << spreadingFactor()) + 32) / bandwidthHz(bandwidthCode()) * 1e9);
    }

    long symbolNanos() {
        return Math.round((1L << spreadingFactor()) / bandwidthHz(bandwidthCode()) * 1e9);
    }

    /** Datasheet 4.1.1.6 / AN1200.13: payload symbols including header and CRC. */
    long payloadSymbols(int length) {
        int sf = spreadingFactor();
        int cr = (regs[0x1D] >> 1) & 0x07;
        double numerator = 8.0 * length - 4 * sf + 28 + (crcOn() ? 16 : 0) - (implicitHeader() ? 20 : 0);
        double denominator = 4.0 * (sf - (lowDataRateOptimize() ? 2 : 0));
        return 8 + (long) Math.max(Math.ceil(numerator / denominator) * (cr + 4), 0);
    }

    @Override
    public String toString() {
        return "EmulatedSx127x[" + name + "]";
    }
}
