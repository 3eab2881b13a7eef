package net.sovereignbridge.drivers.sx127x;

import static net.sovereignbridge.drivers.sx127x.Sx127xRegisters.*;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for one Semtech SX1276/77/78/79 (HopeRF RFM95/96/98) in LoRa mode.
 *
 * <p>Threads: {@link #transmit}, {@link #channelActivityDetected} and the configuration methods may be called
 * from any thread; they are serialised by one lock. Continuous reception runs on a thread of its own, started by
 * {@link #startReceiving}. DIO0 edges only wake the waiting thread; the IRQ flags register is the truth, and it
 * is also polled every {@code pollInterval}, because an edge that is lost (the line stays high until the flag is
 * cleared, so no further edge comes) would otherwise stall the radio for good.
 *
 * <p>Half duplex: a transmission or CAD interrupts reception, which resumes afterwards. A packet that arrived
 * just before is read out first, not thrown away.
 */
public final class Sx127x implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sx127x.class);

    /** Driver state, which also tells the receive thread whether RX flags are its business. */
    private enum Activity { IDLE, RECEIVING, TRANSMITTING, DETECTING }

    private final RadioBus bus;
    private final String name;
    private final RadioEventLoop loop;

    private LoRaSettings settings;
    private Activity activity = Activity.IDLE;
    private int version = -1;

    private final AtomicLong packetsReceived = new AtomicLong();
    private final AtomicLong crcErrors = new AtomicLong();
    private final AtomicLong packetsWithoutCrc = new AtomicLong();
    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong receiverRestarts = new AtomicLong();
    private final AtomicLong rxOverruns = new AtomicLong();
    /** RegRxPacketCnt at the last packet read in this reception session; -1 right after entering RX. */
    private int lastValidPacketCount = -1;

    /**
     * @param pollInterval how often the IRQ flags are read when no DIO0 edge arrives (100 ms is a good value on
     *     hardware: a missed edge then costs at most that much latency)
     * @param name used in log lines and thread names, e.g. "lora0"
     */
    public Sx127x(RadioBus bus, Duration pollInterval, String name) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.name = Objects.requireNonNull(name, "name");
        this.loop = new RadioEventLoop(name, pollInterval, bus.dio0());
        bus.chipSelect().ifPresent(cs -> cs.set(true)); // deselected until a transfer
    }

    // ---------------------------------------------------------------------------------------------- bring-up

    /**
     * Resets the chip (when NRESET is wired), checks RegVersion, and leaves it in LoRa standby.
     *
     * @return the version register value
     */
    public int begin() throws Sx127xException {
        loop.lock();
        try {
            resetLocked();
            int v = read(VERSION);
            if (v == 0x00 || v == 0xFF) {
                throw new Sx127xException.ChipNotResponding(String.format(
                        "%s: RegVersion (0x42) reads 0x%02X: no SX127x answers on SPI; check wiring / chip select "
                                + "(SPI device, CS pin, board definition) and power", name, v));
            }
            if (v != VERSION_SX1276 && v != 0x11 && v != 0x13) {
                String what = v == 0x22 ? " (an SX1272/73, which this driver does not support)" : "";
                throw new Sx127xException.UnsupportedChipVersion(v, String.format(
                        "%s: RegVersion (0x42) reads 0x%02X%s; expected 0x12 for SX1276/77/78/79", name, v, what));
            }
            version = v;
            // LongRangeMode may only change in SLEEP (datasheet, RegOpMode bit 7): sleep in the current modem
            // first, then set the LoRa bit while still asleep, then wake to standby.
            int op = read(OP_MODE);
            write(OP_MODE, (op & ~MODE_MASK) | MODE_SLEEP);
            write(OP_MODE, LONG_RANGE_MODE | MODE_SLEEP);
            int after = read(OP_MODE);
            if ((after & LONG_RANGE_MODE) == 0) {
                throw new Sx127xException(String.format("%s: the chip did not enter LoRa mode (RegOpMode 0x%02X)",
                        name, after));
            }
            setModeLocked(MODE_STDBY);
            activity = Activity.IDLE;
            log.info("{}: SX127x version 0x{} ready", name, Integer.toHexString(v));
            return v;
        } finally {
            loop.unlock();
        }
    }

    private void resetLocked() throws Sx127xException {
        if (bus.reset().isEmpty()) return; // e.g. Uputronics boards: no NRESET on a GPIO
        DigitalOutput reset = bus.reset().get();
        // Datasheet 7.2.2 "Manual Reset": pull NRESET low for more than 100 us, release, wait 5 ms.
        reset.set(false);
        sleepQuietly(1);
        reset.set(true);
        sleepQuietly(6);
    }

    public int version() {
        return version;
    }

    // ---------------------------------------------------------------------------------------------- settings

    /** Applies all modem settings; leaves the chip in standby (reception, if active, resumes). */
    public void configure(LoRaSettings s) throws Sx127xException {
        Objects.requireNonNull(s, "settings");
        loop.lock();
        try {
            setModeLocked(MODE_STDBY);
            writeFrequencyLocked(s.frequencyHz());
            writeModemLocked(s);
            writePowerLocked(s.txPowerDbm(), s.overCurrentMilliamps());
            // LNA: maximum gain, HF boost on (RegLna 0x23, datasheet table "RegLna": LnaBoostHf 11 = 150 %)
            write(LNA, 0x23);
            // The full 256-byte FIFO for each direction: only one is in use at a time (half duplex).
            write(FIFO_TX_BASE_ADDR, 0x00);
            write(FIFO_RX_BASE_ADDR, 0x00);
            write(MAX_PAYLOAD_LENGTH, 0xFF);
            settings = s;
            if (activity == Activity.RECEIVING) enterReceiveLocked();
        } finally {
            loop.unlock();
        }
    }

    public LoRaSettings settings() {
        loop.lock();
        try {
            return settings;
        } finally {
            loop.unlock();
        }
    }

    /** Frf = f * 2^19 / Fxosc, rounded; written MSB, MID, LSB: the LSB write applies it (datasheet 4.1.4). */
    public static int frfFor(long frequencyHz) {
        return (int) ((frequencyHz * (1L << 19) + FXOSC_HZ / 2) / FXOSC_HZ);
    }

    private void writeFrequencyLocked(long hz) throws Sx127xException {
        int frf = frfFor(hz);
        write(FRF_MSB, (frf >> 16) & 0xFF);
        write(FRF_MID, (frf >> 8) & 0xFF);
        write(FRF_LSB, frf & 0xFF);
    }

    private void writeModemLocked(LoRaSettings s) throws Sx127xException {
        write(MODEM_CONFIG_1, (s.bandwidth().code() << 4) | (s.codingRate().code() << 1) | (s.implicitHeader() ? 1 : 0));
        int cfg2 = read(MODEM_CONFIG_2);
        // keep TxContinuousMode (bit 3, off) and SymbTimeout MSBs (bits 1..0)
        write(MODEM_CONFIG_2, (s.spreadingFactor() << 4) | (s.crc() ? RX_PAYLOAD_CRC_ON : 0) | (cfg2 & 0x03));
        write(MODEM_CONFIG_3, (s.lowDataRateOptimizeEnabled() ? LOW_DATA_RATE_OPTIMIZE : 0) | AGC_AUTO_ON);
        // SF6 specifics (datasheet 4.1.1.2): DetectionOptimize 0x5 and DetectionThreshold 0x0C; SF7..12: 0x3, 0x0A
        int detect = read(DETECT_OPTIMIZE);
        boolean sf6 = s.spreadingFactor() == 6;
        write(DETECT_OPTIMIZE, (detect & 0xF8) | (sf6 ? 0x05 : 0x03));
        write(DETECTION_THRESHOLD, sf6 ? 0x0C : 0x0A);
        write(PREAMBLE_MSB, (s.preambleLength() >> 8) & 0xFF);
        write(PREAMBLE_LSB, s.preambleLength() & 0xFF);
        write(SYNC_WORD, s.syncWord());
        if (s.implicitHeader()) write(PAYLOAD_LENGTH, s.implicitPayloadLength());
    }

    /**
     * PA_BOOST output (every RFM95-style module wires only PA_BOOST). Datasheet 5.4.3: Pout = 2 + OutputPower up to
     * 17 dBm; with RegPaDac 0x87 ("+20 dBm on PA_BOOST") Pout = 5 + OutputPower. At +20 dBm the duty cycle must
     * stay at or below 1 % (datasheet 5.4.3 note) - the transport's duty-cycle governor keeps far below that.
     */
    private void writePowerLocked(int dbm, int ocpMilliamps) throws Sx127xException {
        boolean high = dbm > 17;
        write(PA_DAC, high ? PA_DAC_20DBM : PA_DAC_DEFAULT);
        write(PA_CONFIG, PA_SELECT_BOOST | (high ? dbm - 5 : dbm - 2));
        int ma = ocpMilliamps != 0 ? ocpMilliamps : (high ? 140 : 100);
        write(OCP, OCP_ON | overCurrentTrim(ma));
    }

    /** RegOcp trim (datasheet table "RegOcp"): Imax = 45 + 5*trim up to 120 mA, -30 + 10*trim up to 240 mA. */
    public static int overCurrentTrim(int milliamps) {
        if (milliamps < 45 || milliamps > 240) throw new IllegalArgumentException("OCP must be 45..240 mA");
        return milliamps <= 120 ? (milliamps - 45) / 5 : (milliamps + 30) / 10;
    }

    // ---------------------------------------------------------------------------------------------- modes

    public void sleep() throws Sx127xException {
        loop.lock();
        try {
            activity = Activity.IDLE;
            setModeLocked(MODE_SLEEP);
        } finally {
            loop.unlock();
        }
    }

    public void standby() throws Sx127xException {
        loop.lock();
        try {
            activity = Activity.IDLE;
            setModeLocked(MODE_STDBY);
        } finally {
            loop.unlock();
        }
    }

    private void setModeLocked(int mode) throws Sx127xException {
        write(OP_MODE, LONG_RANGE_MODE | mode);
    }

    // ---------------------------------------------------------------------------------------------- transmit

    /**
     * Sends one packet and waits for TxDone (the chip then returns to standby by itself). Reception, if it was
     * active, resumes afterwards.
     *
     * @throws Sx127xException.Timeout when TxDone did not come within twice the time on air plus one second
     */
    public void transmit(byte[] payload) throws Sx127xException {
        Objects.requireNonNull(payload, "payload");
        if (payload.length < 1 || payload.length > 255) {
            throw new IllegalArgumentException("payload must be 1..255 bytes, got " + payload.length);
        }
        loop.lock();
        try {
            requireConfigured();
            if (settings.implicitHeader() && payload.length != settings.implicitPayloadLength()) {
                throw new IllegalArgumentException("implicit header: payload must be exactly "
                        + settings.implicitPayloadLength() + " bytes");
            }
            boolean resume = activity == Activity.RECEIVING;
            drainReceivedLocked();
            activity = Activity.TRANSMITTING;
            try {
                setModeLocked(MODE_STDBY);
                write(DIO_MAPPING_1, (read(DIO_MAPPING_1) & ~DIO0_MASK) | DIO0_TX_DONE);
                write(IRQ_FLAGS, 0xFF);
                write(FIFO_TX_BASE_ADDR, 0x00);
                write(FIFO_ADDR_PTR, 0x00);
                burstWrite(FIFO, payload);
                write(PAYLOAD_LENGTH, payload.length);
                setModeLocked(MODE_TX);
                long toa = TimeOnAir.nanos(settings, payload.length);
                awaitFlagsLocked(IRQ_TX_DONE, 2 * toa + TimeUnit.SECONDS.toNanos(1), "TxDone");
                write(IRQ_FLAGS, 0xFF);
                packetsSent.incrementAndGet();
            } finally {
                activity = resume ? Activity.RECEIVING : Activity.IDLE;
                if (resume) enterReceiveLocked();
            }
        } finally {
            loop.unlock();
        }
    }

    /**
     * Channel activity detection: listens for a LoRa preamble on the configured channel for about two symbols.
     *
     * @return true when CadDetected was set
     */
    public boolean channelActivityDetected() throws Sx127xException {
        loop.lock();
        try {
            requireConfigured();
            boolean resume = activity == Activity.RECEIVING;
            drainReceivedLocked();
            activity = Activity.DETECTING;
            try {
                setModeLocked(MODE_STDBY);
                write(DIO_MAPPING_1, (read(DIO_MAPPING_1) & ~DIO0_MASK) | DIO0_CAD_DONE);
                write(IRQ_FLAGS, 0xFF);
                setModeLocked(MODE_CAD);
                long timeout = 64 * settings.symbolNanos() + TimeUnit.MILLISECONDS.toNanos(500);
                int flags = awaitFlagsLocked(IRQ_CAD_DONE, timeout, "CadDone");
                write(IRQ_FLAGS, 0xFF);
                return (flags & IRQ_CAD_DETECTED) != 0;
            } finally {
                activity = resume ? Activity.RECEIVING : Activity.IDLE;
                if (resume) enterReceiveLocked();
            }
        } finally {
            loop.unlock();
        }
    }

    /** Waits until one of {@code mask} is set in RegIrqFlags: woken by DIO0 edges, and polling as a safety net. */
    private int awaitFlagsLocked(int mask, long timeoutNanos, String what) throws Sx127xException {
        return loop.awaitFlags(() -> read(IRQ_FLAGS), mask, timeoutNanos, (flags, ms, interrupted) -> interrupted
                ? new Sx127xException("interrupted while waiting for " + what)
                : new Sx127xException.Timeout(String.format("%s: no %s after %d ms (RegIrqFlags 0x%02X, RegOpMode "
                        + "0x%02X)", name, what, ms, flags, read(OP_MODE))));
    }

    // ---------------------------------------------------------------------------------------------- receive

    /** Enters continuous reception and delivers good packets to {@code packetListener} on a receive thread. */
    public void startReceiving(PacketListener packetListener) throws Sx127xException {
        Objects.requireNonNull(packetListener, "packetListener");
        loop.lock();
        try {
            requireConfigured();
            activity = Activity.RECEIVING;
            enterReceiveLocked();
            loop.startReceiveThread(packetListener, () -> {
                if (activity == Activity.RECEIVING) {
                    drainReceivedLocked();
                    checkReceiverLocked();
                }
            });
        } finally {
            loop.unlock();
        }
    }

    /** Leaves reception for standby; the receive thread stays parked until reception restarts or close. */
    public void stopReceiving() throws Sx127xException {
        loop.lock();
        try {
            if (activity == Activity.RECEIVING) {
                activity = Activity.IDLE;
                setModeLocked(MODE_STDBY);
            }
        } finally {
            loop.unlock();
        }
    }

    private void enterReceiveLocked() throws Sx127xException {
        lastValidPacketCount = -1;
        setModeLocked(MODE_STDBY);
        write(DIO_MAPPING_1, (read(DIO_MAPPING_1) & ~DIO0_MASK) | DIO0_RX_DONE);
        write(IRQ_FLAGS, 0xFF);
        write(FIFO_RX_BASE_ADDR, 0x00);
        write(FIFO_ADDR_PTR, 0x00);
        setModeLocked(MODE_RX_CONTINUOUS);
    }

    /** Reads a packet that RxDone announced (if any) and queues it for delivery, applying the CRC checks. */
    private void drainReceivedLocked() throws Sx127xException {
        if (activity != Activity.RECEIVING) return;
        int flags = read(IRQ_FLAGS);
        if ((flags & IRQ_RX_DONE) == 0) return;
        loop.eventFound();
        try {
            if ((flags & IRQ_PAYLOAD_CRC_ERROR) != 0) {
                crcErrors.incrementAndGet();
                log.debug("{}: packet with CRC error dropped", name);
                return;
            }
            if (settings.crc() && !settings.implicitHeader() && (read(HOP_CHANNEL) & HOP_CHANNEL_CRC_ON_PAYLOAD) == 0) {
                // The sender's header said "no CRC": the chip cannot flag corruption, so such packets are refused.
                packetsWithoutCrc.incrementAndGet();
                log.debug("{}: packet without payload CRC dropped", name);
                return;
            }
            // Status registers describe only the latest packet (datasheet 4.1.6, RX continuous): a host that reads
            // later than the next RxDone loses the earlier one. The valid-packet counter tells how many.
            int count = (read(RX_PACKET_CNT_MSB) << 8) | read(RX_PACKET_CNT_LSB);
            if (lastValidPacketCount >= 0 && count - lastValidPacketCount > 1) {
                rxOverruns.addAndGet(count - lastValidPacketCount - 1);
                log.debug("{}: {} packet(s) overwritten before they were read", name, count - lastValidPacketCount - 1);
            }
            lastValidPacketCount = count;
            int length = read(RX_NB_BYTES);
            int start = read(FIFO_RX_CURRENT_ADDR);
            write(FIFO_ADDR_PTR, start);
            byte[] payload = burstRead(FIFO, length);
            double snr = ((byte) read(PKT_SNR_VALUE)) / 4.0;
            int rawRssi = read(PKT_RSSI_VALUE);
            double rssi = (settings.frequencyHz() >= HF_PORT_MIN_HZ ? -157 : -164) + rawRssi + (snr < 0 ? snr : 0);
            packetsReceived.incrementAndGet();
            loop.deliver(new ReceivedPacket(payload, rssi, snr, settings.crc()));
        } finally {
            write(IRQ_FLAGS, 0xFF);
        }
    }

    /** A chip that left RX continuous on its own (brown-out, reset, ESD) is put back. */
    private void checkReceiverLocked() throws Sx127xException {
        int op = read(OP_MODE);
        if (op != (LONG_RANGE_MODE | MODE_RX_CONTINUOUS)) {
            receiverRestarts.incrementAndGet();
            log.warn("{}: receiver found in RegOpMode 0x{}, restarting reception", name, Integer.toHexString(op));
            if ((op & LONG_RANGE_MODE) == 0) {
                write(OP_MODE, MODE_SLEEP);
                write(OP_MODE, LONG_RANGE_MODE | MODE_SLEEP);
                writeFrequencyLocked(settings.frequencyHz());
                writeModemLocked(settings);
                writePowerLocked(settings.txPowerDbm(), settings.overCurrentMilliamps());
            }
            enterReceiveLocked();
        }
    }

    // ---------------------------------------------------------------------------------------------- status

    public Statistics statistics() {
        return new Statistics(packetsSent.get(), packetsReceived.get(), crcErrors.get(), packetsWithoutCrc.get(),
                loop.missedEdgeRecoveries(), receiverRestarts.get(), rxOverruns.get());
    }

    /**
     * Counters since start. {@code missedEdgeRecoveries}: events found by polling the IRQ flags, not by DIO0;
     * {@code rxOverruns}: good packets overwritten by the next one before the host read them.
     */
    public record Statistics(long packetsSent, long packetsReceived, long crcErrors, long packetsWithoutCrc,
                             long missedEdgeRecoveries, long receiverRestarts, long rxOverruns) {}

    @Override
    public void close() {
        loop.close(() -> {
            activity = Activity.IDLE;
            try {
                setModeLocked(MODE_SLEEP);
            } catch (Sx127xException e) {
                log.debug("{}: could not put the radio to sleep on close: {}", name, e.getMessage());
            }
        });
    }

    // ---------------------------------------------------------------------------------------------- SPI

    private void requireConfigured() {
        if (settings == null) throw new IllegalStateException(name + ": configure() first");
    }

    /** Reads one register: address with bit 7 clear, then a dummy byte (datasheet 4.3). */
    int read(int address) throws Sx127xException {
        byte[] rx = transfer(new byte[] {(byte) (address & 0x7F), 0});
        return rx[1] & 0xFF;
    }

    void write(int address, int value) throws Sx127xException {
        transfer(new byte[] {(byte) (address | SPI_WRITE), (byte) value});
    }

    private void burstWrite(int address, byte[] data) throws Sx127xException {
        byte[] tx = new byte[data.length + 1];
        tx[0] = (byte) (address | SPI_WRITE);
        System.arraycopy(data, 0, tx, 1, data.length);
        transfer(tx);
    }

    private byte[] burstRead(int address, int length) throws Sx127xException {
        byte[] tx = new byte[length + 1];
        tx[0] = (byte) (address & 0x7F);
        return Arrays.copyOfRange(transfer(tx), 1, length + 1);
    }

    private byte[] transfer(byte[] tx) throws Sx127xException {
        DigitalOutput cs = bus.chipSelect().orElse(null);
        try {
            if (cs != null) cs.set(false);
            byte[] rx = bus.spi().transfer(tx);
            if (rx.length != tx.length) throw new IOException("SPI returned " + rx.length + " of " + tx.length + " bytes");
            return rx;
        } catch (IOException e) {
            throw new Sx127xException.BusFailure(name + ": SPI transfer failed: " + e.getMessage(), e);
        } finally {
            if (cs != null) cs.set(true);
        }
    }

    private static void sleepQuietly(long millis) {
        RadioEventLoop.sleepQuietly(millis);
    }
}
