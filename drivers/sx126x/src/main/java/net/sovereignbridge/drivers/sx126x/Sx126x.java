package net.sovereignbridge.drivers.sx126x;

import static net.sovereignbridge.drivers.sx126x.Sx126xCommands.*;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.sovereignbridge.drivers.sx127x.DigitalOutput;
import net.sovereignbridge.drivers.sx127x.PacketListener;
import net.sovereignbridge.drivers.sx127x.RadioEventLoop;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for one Semtech SX1262, SX1268 or LLCC68 in LoRa mode, through the command interface (datasheet chapter
 * 13) with the BUSY handshake (8.3.1): before every transaction the driver waits for BUSY low, and after it too,
 * except after SetSleep (BUSY stays high while the chip sleeps; the next NSS falling edge wakes it).
 *
 * <p>Threads, half duplex and lost interrupts as in the SX127x driver: one lock serialises every command; DIO1
 * edges only wake the waiting thread; the IRQ status (GetIrqStatus) is the truth and is polled every
 * {@code pollInterval} too. A transmission or CAD interrupts continuous reception, which resumes afterwards.
 *
 * <p>Errors: the status byte that comes back during each transaction carries the result of the previous command
 * (13.5.1); a "processing error" or "failure to execute" there becomes {@link Sx126xException.CommandFailed} naming
 * that command, with the device errors (GetDeviceErrors) when they say more (a missing TCXO, a PLL that does not
 * lock). Errata of datasheet chapter 15 are applied where they apply: 15.1 (0x0889 bit 2 before each TX by
 * bandwidth), 15.2 (0x08D8 |= 0x1E after reset), 15.3 (implicit-header RX with a timeout: stop the RTC),
 * 15.4 (0x0736 bit 2 after every SetPacketParams by IQ polarity).
 */
public final class Sx126x implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sx126x.class);
    /** Longest BUSY high the datasheet leads one to expect: calibration 3.5 ms, TCXO start-up, wake-up. */
    private static final long BUSY_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int RX_IRQS = IRQ_RX_DONE | IRQ_CRC_ERR | IRQ_HEADER_ERR | IRQ_HEADER_VALID
            | IRQ_PREAMBLE_DETECTED | IRQ_SYNC_WORD_VALID | IRQ_TIMEOUT;
    private static final int DIO1_IRQS = IRQ_TX_DONE | IRQ_RX_DONE | IRQ_CRC_ERR | IRQ_HEADER_ERR | IRQ_CAD_DONE
            | IRQ_TIMEOUT;

    private enum Activity { IDLE, RECEIVING, TRANSMITTING, DETECTING, RECEIVING_ONCE }

    private final Sx126xBus bus;
    private final Sx126xHardware hardware;
    private final String name;
    private final RadioEventLoop loop;

    private Sx126xSettings settings;
    private int[] calibratedImage;
    private Activity activity = Activity.IDLE;
    private boolean asleep;
    private int previousOpcode = -1;
    private String versionString;

    private final AtomicLong packetsReceived = new AtomicLong();
    private final AtomicLong crcErrors = new AtomicLong();
    private final AtomicLong headerErrors = new AtomicLong();
    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong receiverRestarts = new AtomicLong();

    /**
     * @param pollInterval how often the IRQ status is read when no DIO1 edge arrives (100 ms on hardware)
     * @param name used in log lines, errors and thread names, e.g. "lora0"
     */
    public Sx126x(Sx126xBus bus, Sx126xHardware hardware, Duration pollInterval, String name) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.hardware = Objects.requireNonNull(hardware, "hardware");
        this.name = Objects.requireNonNull(name, "name");
        this.loop = new RadioEventLoop(name, pollInterval, bus.dio1());
        bus.chipSelect().ifPresent(cs -> cs.set(true));
        rfSwitch(false, false);
    }

    public Sx126xHardware hardware() {
        return hardware;
    }

    // ---------------------------------------------------------------------------------------------- bring-up

    /**
     * Resets the chip (when NRESET is wired), reads its version string, and brings it up in STDBY_RC with LoRa
     * selected: TCXO, regulator, calibration, fallback mode, RF switch, buffer, IRQ routing, PA clamping (15.2).
     *
     * @return the version string, e.g. "SX1261 V2D 2D02"
     */
    public String begin() throws Sx126xException {
        loop.lock();
        try {
            resetLocked();
            wakeLocked();
            byte[] raw = readRegisters(REG_VERSION_STRING, 16);
            if (allEqual(raw, (byte) 0x00) || allEqual(raw, (byte) 0xFF)) {
                throw new Sx126xException.ChipNotResponding(String.format("%s: the version string (register 0x0320) "
                        + "reads all 0x%02X: no SX126x answers on SPI; check wiring / chip select (SPI device, CS "
                        + "pin, board file) and power", name, raw[0] & 0xFF));
            }
            String version = ascii(raw);
            if (!version.startsWith("SX126") && !version.startsWith("LLCC68")) {
                throw new Sx126xException.UnsupportedChip(version, String.format("%s: the version string reads "
                        + "'%s' (%s); expected an SX126x or LLCC68: is the board's Module right?", name, version,
                        hex(raw)));
            }
            versionString = version;
            initLocked();
            activity = Activity.IDLE;
            log.info("{}: {} ('{}') ready", name, hardware.chip(), version);
            return version;
        } finally {
            loop.unlock();
        }
    }

    private void initLocked() throws Sx126xException {
        command(SET_STANDBY, STANDBY_RC);
        if (hardware.tcxo().isPresent()) {
            long delay = Math.round(hardware.tcxoStartupMicros() / 15.625); // 24-bit, RTC steps of 15.625 us
            command(SET_DIO3_AS_TCXO_CTRL, hardware.tcxo().get().code(), (int) (delay >> 16) & 0xFF,
                    (int) (delay >> 8) & 0xFF, (int) delay & 0xFF);
        }
        command(SET_REGULATOR_MODE, hardware.dcDcRegulator() ? 0x01 : 0x00);
        command(CLEAR_DEVICE_ERRORS, 0x00, 0x00);
        // Calibrate after the TCXO is declared: the chip calibrates against the oscillator it will run on (13.1.12)
        command(CALIBRATE, CALIBRATE_ALL);
        calibratedImage = null;
        checkDeviceErrors("calibration");
        command(SET_PACKET_TYPE, PACKET_TYPE_LORA);
        command(SET_RX_TX_FALLBACK_MODE, FALLBACK_STDBY_RC);
        command(SET_DIO2_AS_RF_SWITCH_CTRL, hardware.dio2RfSwitch() ? 0x01 : 0x00);
        command(SET_BUFFER_BASE_ADDRESS, 0x00, 0x00);
        // Erratum 15.2: the PA clamping threshold is too low for antenna mismatch on the high-power PA
        writeRegister(REG_TX_CLAMP_CONFIG, readRegisters(REG_TX_CLAMP_CONFIG, 1)[0] & 0xFF | 0x1E);
        command(CLEAR_IRQ_STATUS, IRQ_ALL >> 8, IRQ_ALL & 0xFF);
        command(SET_DIO_IRQ_PARAMS, IRQ_ALL >> 8, IRQ_ALL & 0xFF, DIO1_IRQS >> 8, DIO1_IRQS & 0xFF, 0, 0, 0, 0);
        checkStatus();
    }

    private void resetLocked() throws Sx126xException {
        if (bus.reset().isEmpty()) return;
        DigitalOutput reset = bus.reset().get();
        // Datasheet 8.1 "Reset": NRESET low for at least 100 us; BUSY then stays high while the chip starts (~3.5 ms)
        reset.set(false);
        sleepQuietly(1);
        reset.set(true);
        sleepQuietly(1);
        asleep = false;
        awaitBusyLow("reset");
    }

    /** A chip left in sleep by an earlier run only wakes on NSS: toggle it (the command is lost) and wait. */
    private void wakeLocked() throws Sx126xException {
        if (!bus.busy().isHigh() && !asleep) return;
        rawTransfer(new byte[] {(byte) GET_STATUS, NOP});
        asleep = false;
        awaitBusyLow("wake-up");
    }

    public Optional<String> versionString() {
        return Optional.ofNullable(versionString);
    }

    // ---------------------------------------------------------------------------------------------- settings

    /**
     * Applies the modem settings, after checking them against the chip (band; the LLCC68's spreading factors);
     * runs image calibration when the band changes; leaves the chip in standby (reception, if active, resumes).
     *
     * @throws IllegalArgumentException when the chip cannot run these settings
     */
    public void configure(Sx126xSettings s) throws Sx126xException {
        Objects.requireNonNull(s, "settings");
        s.check(hardware.chip());
        loop.lock();
        try {
            configureLocked(s);
        } finally {
            loop.unlock();
        }
    }

    private void configureLocked(Sx126xSettings s) throws Sx126xException {
        {
            command(SET_STANDBY, STANDBY_RC);
            int[] image = imageCalibrationFor(s.frequencyHz());
            if (calibratedImage == null || !Arrays.equals(image, calibratedImage)) {
                command(CALIBRATE_IMAGE, image[0], image[1]);
                checkDeviceErrors("image calibration");
                calibratedImage = image;
            }
            long frf = frfFor(s.frequencyHz());
            command(SET_RF_FREQUENCY, (int) (frf >> 24) & 0xFF, (int) (frf >> 16) & 0xFF, (int) (frf >> 8) & 0xFF,
                    (int) frf & 0xFF);
            command(SET_MODULATION_PARAMS, s.spreadingFactor(), bandwidthCode(s.bandwidth()), s.codingRate().code(),
                    s.lowDataRateOptimizeEnabled() ? 1 : 0);
            writePacketParamsLocked(s, s.implicitHeader() ? s.implicitPayloadLength() : 0xFF);
            int[] sync = syncWordRegisters(s.syncWord());
            writeRegister(REG_LORA_SYNC_WORD_MSB, sync[0], sync[1]);
            writePowerLocked(s);
            checkStatus();
            settings = s;
            if (activity == Activity.RECEIVING) enterReceiveLocked();
        }
    }

    public Sx126xSettings settings() {
        loop.lock();
        try {
            return settings;
        } finally {
            loop.unlock();
        }
    }

    /** SetPacketParams, then erratum 15.4: 0x0736 bit 2 set for standard IQ, cleared for inverted. */
    private void writePacketParamsLocked(Sx126xSettings s, int length) throws Sx126xException {
        command(SET_PACKET_PARAMS, s.preambleLength() >> 8, s.preambleLength() & 0xFF, s.implicitHeader() ? 1 : 0,
                length, s.crc() ? 1 : 0, s.invertIq() ? 1 : 0);
        int iq = readRegisters(REG_IQ_POLARITY, 1)[0] & 0xFF;
        writeRegister(REG_IQ_POLARITY, s.invertIq() ? iq & ~0x04 : iq | 0x04);
    }

    /**
     * SetPaConfig with the datasheet's "+22 dBm" optimum (SX1261/2 table 13-21: 0x04 0x07 0x00 0x01; SX1268
     * table 13-21: 0x04 0x06), then SetTxParams with the power and a 200 us ramp, then the OCP register (SetPaConfig
     * resets it): 140 mA unless the settings say otherwise.
     */
    private void writePowerLocked(Sx126xSettings s) throws Sx126xException {
        int hpMax = hardware.chip() == Sx126xChip.SX1268 ? 0x06 : 0x07;
        command(SET_PA_CONFIG, 0x04, hpMax, 0x00, 0x01);
        command(SET_TX_PARAMS, s.txPowerDbm() & 0xFF, RAMP_200_US);
        double ma = s.overCurrentMilliamps() != 0 ? s.overCurrentMilliamps() : 140;
        writeRegister(REG_OCP, (int) Math.round(ma / 2.5));
    }

    // ---------------------------------------------------------------------------------------------- modes

    /** Warm-start sleep: the configuration is kept; the next command wakes the chip. */
    public void sleep() throws Sx126xException {
        loop.lock();
        try {
            activity = Activity.IDLE;
            rfSwitch(false, false);
            command(SET_SLEEP, SLEEP_WARM_START);
        } finally {
            loop.unlock();
        }
    }

    public void standby() throws Sx126xException {
        loop.lock();
        try {
            activity = Activity.IDLE;
            rfSwitch(false, false);
            command(SET_STANDBY, STANDBY_RC);
        } finally {
            loop.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- transmit

    /**
     * Sends one packet and waits for TxDone (the chip falls back to STDBY_RC). Reception, if active, resumes.
     *
     * @throws Sx126xException.Timeout when TxDone did not come within twice the time on air plus one second
     */
    public void transmit(byte[] payload) throws Sx126xException {
        Objects.requireNonNull(payload, "payload");
        if (payload.length < 1 || payload.length > 255) {
            throw new IllegalArgumentException("payload must be 1..255 bytes, got " + payload.length);
        }
        pausingReception(Activity.TRANSMITTING, s -> {
            if (s.implicitHeader() && payload.length != s.implicitPayloadLength()) {
                throw new IllegalArgumentException("implicit header: payload must be exactly "
                        + s.implicitPayloadLength() + " bytes");
            }
            command(SET_STANDBY, STANDBY_RC);
            // Erratum 15.1: modulation quality at 500 kHz needs 0x0889 bit 2 cleared; other bandwidths set
            int txMod = readRegisters(REG_TX_MODULATION, 1)[0] & 0xFF;
            writeRegister(REG_TX_MODULATION, s.bandwidth() == net.sovereignbridge.drivers.sx127x.Bandwidth.BW_500
                    ? txMod & ~0x04 : txMod | 0x04);
            writePacketParamsLocked(s, payload.length);
            byte[] tx = new byte[payload.length + 2];
            tx[0] = (byte) WRITE_BUFFER;
            tx[1] = 0x00;
            System.arraycopy(payload, 0, tx, 2, payload.length);
            transfer(tx);
            command(CLEAR_IRQ_STATUS, IRQ_ALL >> 8, IRQ_ALL & 0xFF);
            rfSwitch(true, false);
            command(SET_TX, 0x00, 0x00, 0x00); // no chip timeout: ours below covers a hung chip
            long toa = Sx126xTimeOnAir.nanos(s, payload.length);
            awaitIrqLocked(IRQ_TX_DONE, 2 * toa + TimeUnit.SECONDS.toNanos(1), "TxDone");
            command(CLEAR_IRQ_STATUS, IRQ_ALL >> 8, IRQ_ALL & 0xFF);
            packetsSent.incrementAndGet();
            return null;
        });
    }

    /**
     * Channel activity detection over two symbols (SetCadParams: 2 symbols, detPeak SF + 13, detMin 10, CAD_ONLY,
     * as Semtech's AN1200.48 suggests for most spreading factors).
     *
     * @return true when CadDetected was set
     */
    public boolean channelActivityDetected() throws Sx126xException {
        return pausingReception(Activity.DETECTING, s -> {
            command(SET_STANDBY, STANDBY_RC);
            command(SET_CAD_PARAMS, CAD_ON_2_SYMB, s.spreadingFactor() + 13, 10, CAD_ONLY, 0, 0, 0);
            command(CLEAR_IRQ_STATUS, IRQ_ALL >> 8, IRQ_ALL & 0xFF);
            rfSwitch(false, true);
            command(SET_CAD);
            long timeout = 64 * s.symbolNanos() + TimeUnit.MILLISECONDS.toNanos(500);
            int irq = awaitIrqLocked(IRQ_CAD_DONE, timeout, "CadDone");
            command(CLEAR_IRQ_STATUS, IRQ_ALL >> 8, IRQ_ALL & 0xFF);
            return (irq & IRQ_CAD_DETECTED) != 0;
        });
    }

    /** A step of {@link #pausingReception}, run under the lock with the current settings. */
    @FunctionalInterface
    private interface Step<T> {
        T run(Sx126xSettings settings) throws Sx126xException;
    }

    /**
     * Half duplex: reads out a packet that has just arrived, leaves reception for {@code doing}, and resumes it
     * afterwards (also when {@code step} fails), with the RF switch back to idle.
     */
    private <T> T pausingReception(Activity doing, Step<T> step) throws Sx126xException {
        loop.lock();
        try {
            Sx126xSettings s = requireConfigured();
            boolean resume = activity == Activity.RECEIVING;
            drainReceivedLocked();
            activity = doing;
            try {
                return step.run(s);
            } finally {
                rfSwitch(false, false);
                activity = resume ? Activity.RECEIVING : Activity.IDLE;
                if (resume) enterReceiveLocked();
            }
        } finally {
            loop.unlock();
        }
    }

    /**
     * Waits until one of {@code mask} is set in the IRQ status: woken by DIO1 edges, and polling as a safety net.
     * A command that failed meanwhile shows in the status byte of GetIrqStatus and is thrown.
     */
    private int awaitIrqLocked(int mask, long timeoutNanos, String what) throws Sx126xException {
        return loop.awaitFlags(this::irqStatus, mask, timeoutNanos, (irq, ms, interrupted) -> interrupted
                ? new Sx126xException(name + ": interrupted while waiting for " + what)
                : new Sx126xException.Timeout(String.format("%s: no %s after %d ms (IRQ %s, status %s)", name, what,
                        ms, irqNames(irq), status())));
    }

    // ---------------------------------------------------------------------------------------------- receive

    /** Enters continuous reception and delivers good packets to {@code packetListener} on a receive thread. */
    public void startReceiving(PacketListener packetListener) throws Sx126xException {
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
    public void stopReceiving() throws Sx126xException {
        loop.lock();
        try {
            if (activity == Activity.RECEIVING) {
                activity = Activity.IDLE;
                rfSwitch(false, false);
                command(SET_STANDBY, STANDBY_RC);
            }
        } finally {
            loop.unlock();
        }
    }

    /**
     * One reception with the chip's own timeout (SetRx with a timeout, RX single): the first good packet, or empty
     * when the timeout ran out or the packet failed its CRC. Not while continuous reception runs.
     *
     * @param timeout 15.625 us .. 262 s
     */
    public Optional<ReceivedPacket> receiveOnce(Duration timeout) throws Sx126xException {
        long steps = Math.round(timeout.toNanos() / 15_625.0);
        if (steps < 1 || steps >= RX_CONTINUOUS) throw new IllegalArgumentException("timeout must be 16 us..262 s");
        loop.lock();
        try {
            Sx126xSettings s = requireConfigured();
            if (activity == Activity.RECEIVING) throw new IllegalStateException(name + ": continuous reception runs");
            activity = Activity.RECEIVING_ONCE;
            try {
                command(SET_STANDBY, STANDBY_RC);
                writePacketParamsLocked(s, s.implicitHeader() ? s.implicitPayloadLength() : 0xFF);
                command(CLEAR_IRQ_STATUS, IRQ_ALL >> 8, IRQ_ALL & 0xFF);
                rfSwitch(false, true);
                command(SET_RX, (int) (steps >> 16) & 0xFF, (int) (steps >> 8) & 0xFF, (int) steps & 0xFF);
                int irq = awaitIrqLocked(IRQ_RX_DONE | IRQ_TIMEOUT | IRQ_HEADER_ERR,
                        timeout.toNanos() * 2 + TimeUnit.SECONDS.toNanos(1), "RxDone or Timeout");
                if (s.implicitHeader()) {
                    // Erratum 15.3: with an implicit header and a timeout the RTC keeps running after RxDone and
                    // raises a stray Timeout later: stop it and clear its event
                    writeRegister(REG_RTC_CONTROL, 0x00);
                    writeRegister(REG_EVENT_MASK, readRegisters(REG_EVENT_MASK, 1)[0] & 0xFF | 0x02);
                }
                Optional<ReceivedPacket> packet = Optional.empty();
                if ((irq & IRQ_RX_DONE) != 0) packet = readPacketLocked(irq);
                else if ((irq & IRQ_HEADER_ERR) != 0) headerErrors.incrementAndGet();
                command(CLEAR_IRQ_STATUS, IRQ_ALL >> 8, IRQ_ALL & 0xFF);
                command(SET_STANDBY, STANDBY_RC);
                return packet;
            } finally {
                rfSwitch(false, false);
                activity = Activity.IDLE;
            }
        } finally {
            loop.unlock();
        }
    }

    private void enterReceiveLocked() throws Sx126xException {
        Sx126xSettings s = requireConfigured();
        command(SET_STANDBY, STANDBY_RC);
        writePacketParamsLocked(s, s.implicitHeader() ? s.implicitPayloadLength() : 0xFF);
        command(CLEAR_IRQ_STATUS, IRQ_ALL >> 8, IRQ_ALL & 0xFF);
        rfSwitch(false, true);
        command(SET_RX, 0xFF, 0xFF, 0xFF);
    }

    /** Reads a packet that RxDone announced (if any) and queues it for delivery. */
    private void drainReceivedLocked() throws Sx126xException {
        if (activity != Activity.RECEIVING) return;
        int irq = irqStatus();
        if ((irq & (IRQ_RX_DONE | IRQ_HEADER_ERR)) == 0) return;
        loop.eventFound();
        try {
            if ((irq & IRQ_RX_DONE) != 0) {
                readPacketLocked(irq).ifPresent(loop::deliver);
            } else {
                headerErrors.incrementAndGet();
            }
        } finally {
            command(CLEAR_IRQ_STATUS, RX_IRQS >> 8, RX_IRQS & 0xFF);
        }
    }

    /**
     * The packet RxDone announced: GetRxBufferStatus (length, start), ReadBuffer, GetPacketStatus (RSSI = -byte/2,
     * SNR = int8/4, datasheet 13.5.3). A CRC error drops it. An explicit header that said "no CRC" cannot be told
     * apart on this chip (no register reports it), unlike the SX127x.
     */
    private Optional<ReceivedPacket> readPacketLocked(int irq) throws Sx126xException {
        if ((irq & IRQ_CRC_ERR) != 0) {
            crcErrors.incrementAndGet();
            log.debug("{}: packet with CRC error dropped", name);
            return Optional.empty();
        }
        byte[] buffer = transfer(new byte[] {(byte) GET_RX_BUFFER_STATUS, NOP, NOP, NOP});
        int length = buffer[2] & 0xFF;
        int start = buffer[3] & 0xFF;
        byte[] tx = new byte[3 + length];
        tx[0] = (byte) READ_BUFFER;
        tx[1] = (byte) start;
        byte[] payload = Arrays.copyOfRange(transfer(tx), 3, 3 + length);
        byte[] status = transfer(new byte[] {(byte) GET_PACKET_STATUS, NOP, NOP, NOP, NOP});
        double rssi = -(status[2] & 0xFF) / 2.0;
        double snr = status[3] / 4.0;
        packetsReceived.incrementAndGet();
        return Optional.of(new ReceivedPacket(payload, rssi, snr, settings.crc()));
    }

    /** A chip that left RX on its own (brown-out, reset, ESD) is brought up again and put back. */
    private void checkReceiverLocked() throws Sx126xException {
        Sx126xStatus st = status();
        if (st.chipMode() != Sx126xStatus.MODE_RX) {
            receiverRestarts.incrementAndGet();
            log.warn("{}: receiver found with status {}, restarting reception", name, st);
            initLocked();
            configureLocked(settings); // activity is RECEIVING: this re-enters RX
        }
    }

    // ---------------------------------------------------------------------------------------------- status

    public Statistics statistics() {
        return new Statistics(packetsSent.get(), packetsReceived.get(), crcErrors.get(), headerErrors.get(),
                loop.missedEdgeRecoveries(), receiverRestarts.get());
    }

    /** Counters since start; {@code missedEdgeRecoveries}: events found by polling, not by DIO1. */
    public record Statistics(long packetsSent, long packetsReceived, long crcErrors, long headerErrors,
                             long missedEdgeRecoveries, long receiverRestarts) {}

    /** GetStatus. */
    public Sx126xStatus status() throws Sx126xException {
        loop.lock();
        try {
            return new Sx126xStatus(transfer(new byte[] {(byte) GET_STATUS, NOP})[1] & 0xFF);
        } finally {
            loop.unlock();
        }
    }

    @Override
    public void close() {
        loop.close(() -> {
            activity = Activity.IDLE;
            rfSwitch(false, false);
            try {
                command(SET_SLEEP, SLEEP_WARM_START);
            } catch (Sx126xException e) {
                log.debug("{}: could not put the radio to sleep on close: {}", name, e.getMessage());
            }
        });
    }

    // ---------------------------------------------------------------------------------------------- commands

    private Sx126xSettings requireConfigured() {
        if (settings == null) throw new IllegalStateException(name + ": configure() first");
        return settings;
    }

    private int irqStatus() throws Sx126xException {
        byte[] rx = transfer(new byte[] {(byte) GET_IRQ_STATUS, NOP, NOP, NOP});
        return ((rx[2] & 0xFF) << 8) | (rx[3] & 0xFF);
    }

    private void checkStatus() throws Sx126xException {
        status(); // the transfer checks the status byte for the previous command
    }

    private void checkDeviceErrors(String during) throws Sx126xException {
        int errors = deviceErrors();
        if (errors != 0) {
            throw new Sx126xException.DeviceErrors(errors, String.format("%s: %s failed on the %s: %s (device "
                    + "errors 0x%04X)", name, during, hardware.chip(), deviceErrorNames(errors), errors));
        }
    }

    private int deviceErrors() throws Sx126xException {
        byte[] rx = transfer(new byte[] {(byte) GET_DEVICE_ERRORS, NOP, NOP, NOP});
        return ((rx[2] & 0xFF) << 8) | (rx[3] & 0xFF);
    }

    private void command(int opcode, int... params) throws Sx126xException {
        byte[] tx = new byte[1 + params.length];
        tx[0] = (byte) opcode;
        for (int i = 0; i < params.length; i++) tx[i + 1] = (byte) params[i];
        transfer(tx);
        if (opcode == SET_SLEEP) asleep = true;
    }

    private void writeRegister(int address, int... values) throws Sx126xException {
        int[] params = new int[2 + values.length];
        params[0] = (address >> 8) & 0xFF;
        params[1] = address & 0xFF;
        System.arraycopy(values, 0, params, 2, values.length);
        command(WRITE_REGISTER, params);
    }

    /** ReadRegister: opcode, address MSB, LSB, one NOP (the status), then the data. */
    private byte[] readRegisters(int address, int count) throws Sx126xException {
        byte[] tx = new byte[4 + count];
        tx[0] = (byte) READ_REGISTER;
        tx[1] = (byte) (address >> 8);
        tx[2] = (byte) address;
        return Arrays.copyOfRange(transfer(tx), 4, 4 + count);
    }

    /**
     * One transaction with the BUSY handshake, waking the chip first when it sleeps; checks the status byte (the
     * second byte clocked in) for a refused or failed previous command.
     */
    private byte[] transfer(byte[] tx) throws Sx126xException {
        if (asleep) wakeLocked();
        int opcode = tx[0] & 0xFF;
        awaitBusyLow("before " + opcodeName(opcode));
        byte[] rx = rawTransfer(tx);
        int previous = previousOpcode;
        previousOpcode = opcode;
        if (opcode != SET_SLEEP) awaitBusyLow("after " + opcodeName(opcode));
        if (rx.length >= 2) {
            Sx126xStatus status = new Sx126xStatus(rx[1] & 0xFF);
            if (status.commandFailed()) throw failure(status, previous, opcode, rx);
        }
        return rx;
    }

    private Sx126xException failure(Sx126xStatus status, int previous, int current, byte[] rx) {
        String what = previous >= 0 ? opcodeName(previous) : "the previous command";
        String detail = "";
        if (current == GET_DEVICE_ERRORS && rx.length >= 4) {
            int errors = ((rx[2] & 0xFF) << 8) | (rx[3] & 0xFF); // this transaction already carries them
            if (errors != 0) detail = "; device errors: " + deviceErrorNames(errors);
        } else if (status.commandStatus() == Sx126xStatus.CMD_FAILED) {
            try {
                int errors = deviceErrors();
                if (errors != 0) detail = "; device errors: " + deviceErrorNames(errors);
            } catch (Sx126xException e) {
                detail = "; device errors unreadable: " + e.getMessage();
            }
        }
        return new Sx126xException.CommandFailed(status, String.format("%s: %s: %s (status %s, seen during %s)%s",
                name, what, status.commandStatusName(), status, opcodeName(current), detail));
    }

    private byte[] rawTransfer(byte[] tx) throws Sx126xException {
        DigitalOutput cs = bus.chipSelect().orElse(null);
        try {
            if (cs != null) cs.set(false);
            byte[] rx = bus.spi().transfer(tx);
            if (rx.length != tx.length) throw new IOException("SPI returned " + rx.length + " of " + tx.length + " bytes");
            return rx;
        } catch (IOException e) {
            throw new Sx126xException.BusFailure(name + ": SPI transfer failed: " + e.getMessage(), e);
        } finally {
            if (cs != null) cs.set(true);
        }
    }

    private void awaitBusyLow(String when) throws Sx126xException {
        if (!bus.busy().isHigh()) return;
        long start = System.nanoTime();
        int spins = 0;
        while (bus.busy().isHigh()) {
            if (System.nanoTime() - start > BUSY_TIMEOUT_NANOS) {
                throw new Sx126xException.BusyTimeout(String.format("%s: BUSY stayed high for %d ms %s: check the "
                        + "Busy pin in the board file, the chip's power and reset", name,
                        TimeUnit.NANOSECONDS.toMillis(BUSY_TIMEOUT_NANOS), when));
            }
            if (spins++ < 100) Thread.onSpinWait();
            else LockSupport.parkNanos(20_000);
        }
    }

    /** TXEN/RXEN lines of modules whose RF switch the host drives; DIO2 does it by itself when so configured. */
    private void rfSwitch(boolean tx, boolean rx) {
        if (tx) bus.rxEnable().ifPresent(p -> p.set(false));
        if (rx) bus.txEnable().ifPresent(p -> p.set(false));
        bus.txEnable().ifPresent(p -> p.set(tx));
        bus.rxEnable().ifPresent(p -> p.set(rx));
    }

    private static boolean allEqual(byte[] b, byte v) {
        for (byte x : b) if (x != v) return false;
        return true;
    }

    private static String ascii(byte[] raw) {
        int n = 0;
        while (n < raw.length && raw[n] != 0) n++;
        StringBuilder s = new StringBuilder();
        for (byte c : Arrays.copyOf(raw, n)) s.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        return s.toString().trim();
    }

    private static String hex(byte[] raw) {
        StringBuilder s = new StringBuilder();
        for (byte b : raw) s.append(String.format("%02x", b & 0xFF));
        return s.toString();
    }

    private static void sleepQuietly(long millis) {
        RadioEventLoop.sleepQuietly(millis);
    }
}
