package net.sovereignbridge.drivers.rnode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.drivers.kiss.SerialLink;

/**
 * An RNode as its firmware behaves on the serial line, for tests: the host side of a pty pair goes to the code under
 * test, this side to the emulator. It parses bytes the way the firmware's serial callback does (a command byte, then
 * its value bytes; one-byte commands act on every value byte; DATA queued up to the firmware's queue limits, longer
 * than 508 bytes dropped), holds the same settings (frequency, bandwidth and TX power unset until the host sets them,
 * so the radio stays locked off; SF and CR clamped to 5..12 and 5..8; TX power clamped to the board's maximum), and
 * answers as the firmware does. With the radio on, the emulated SX1276 rounds the frequency to its 61 Hz step and the
 * bandwidth up to the next one it has, which a read-back shows. Packets are sent with the firmware's header byte
 * (random sequence nibble, split flag) and split into two LoRa frames above 254 bytes; received ones are reassembled
 * by the same rules, announced with STAT_RSSI and STAT_SNR, then handed over as DATA; each transmission is followed
 * by a channel-statistics frame, as ESP32 firmware sends. Facts from RNode's public firmware; the code is ours.
 */
public final class EmulatedRNode implements AutoCloseable {
    /** The board: its TX power limit and what it says about itself. */
    public record Model(int maxTxPowerDbm, int firmwareMajor, int firmwareMinor, int platform, int mcu) {
        /** An ESP32 board with an SX1276 (LilyGO T-Beam class), firmware 1.86. */
        public static Model sx1276Esp32() {
            return new Model(17, 1, 0x56, RNodeCommand.PLATFORM_ESP32, 0x81);
        }

        public Model withFirmware(int major, int minor) {
            return new Model(maxTxPowerDbm, major, minor, platform, mcu);
        }
    }

    /** What the chip is set to while the radio is on. */
    record ChipSettings(long frequencyHz, long bandwidthHz, int spreadingFactor, int codingRate) {}

    private static final int FEND = 0xC0, FESC = 0xDB, TFEND = 0xDC, TFESC = 0xDD, CMD_UNKNOWN = 0xFE;
    private static final int CMD_L = 64, QUEUE_SIZE = 6144, QUEUE_MAX_LENGTH = 200;
    private static final long[] CHIP_BANDWIDTHS = {7_800, 10_400, 15_600, 20_800, 31_250, 41_700, 62_500, 125_000,
            250_000, 500_000};

    private final SerialLink link;
    private final RNodeAir air;
    private final Model model;
    private final Random random = new Random(7);
    private final Object radioLock = new Object();

    // the firmware's framing state
    private boolean inFrame;
    private boolean escape;
    private int command = CMD_UNKNOWN;
    private int frameLen;
    private final byte[] cmdbuf = new byte[CMD_L];
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    // the firmware's settings (what it reports) and the chip's
    private long loraFreq;
    private long loraBw;
    private int loraTxp = 0xFF;
    private int loraSf;
    private int loraCr = 5;
    private boolean radioOnline;
    private ChipSettings chip;

    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queuedBytes;
    private boolean transmitting;
    private int rxSeq = -1;
    private final ByteArrayOutputStream rxBuf = new ByteArrayOutputStream();
    private long lastAirtimeNanos;

    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong packetsReceived = new AtomicLong();
    private final AtomicLong loraFramesSent = new AtomicLong();
    private final AtomicLong airtimeNanos = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean muted;
    private final Thread reader;
    private final Thread transmitter;

    public EmulatedRNode(SerialLink link, RNodeAir air, Model model) {
        this.link = link;
        this.air = air;
        this.model = model;
        air.join(this);
        reader = new Thread(this::readLoop, "emulated-rnode-rx");
        reader.setDaemon(true);
        transmitter = new Thread(this::txLoop, "emulated-rnode-tx");
        transmitter.setDaemon(true);
        reader.start();
        transmitter.start();
    }

    /** Packets this RNode put on the air (one packet may be two LoRa frames). */
    public long packetsSent() {
        return packetsSent.get();
    }

    /** LoRa frames this RNode put on the air. */
    public long loraFramesSent() {
        return loraFramesSent.get();
    }

    /** Time on air of every LoRa frame this RNode sent, by the chip's formula. */
    public long airtimeNanos() {
        return airtimeNanos.get();
    }

    public long packetsReceived() {
        return packetsReceived.get();
    }

    /** Time on air of the last LoRa frame sent, as the emulated chip took it. */
    public long lastAirtimeNanos() {
        synchronized (radioLock) {
            return lastAirtimeNanos;
        }
    }

    public boolean radioOnline() {
        synchronized (radioLock) {
            return radioOnline;
        }
    }

    /** A board that stops answering on serial (a hung firmware): bytes are read and ignored. */
    public void mute(boolean m) {
        muted = m;
    }

    /** Writes raw bytes to the host, as if the firmware had sent them (hostile-stream tests). */
    public void writeRaw(byte[] bytes) throws IOException {
        synchronized (link) {
            link.write(bytes);
        }
    }

    // ---------------------------------------------------------------------------------------------- serial side

    private void readLoop() {
        byte[] buf = new byte[1024];
        while (running) {
            int n;
            try {
                n = link.read(buf);
            } catch (IOException e) {
                return; // host closed the pty
            }
            for (int i = 0; i < n; i++) {
                if (!muted) serialCallback(buf[i] & 0xFF);
            }
        }
    }

    /** One byte from the host, with the firmware's state machine. */
    private void serialCallback(int sbyte) {
        if (inFrame && sbyte == FEND && command == RNodeCommand.DATA) {
            inFrame = false;
            byte[] packet = current.toByteArray();
            current.reset();
            synchronized (radioLock) {
                if (packet.length >= 1 && queue.size() < QUEUE_MAX_LENGTH) {
                    queue.add(packet);
                    radioLock.notifyAll();
                } else {
                    queuedBytes -= packet.length;
                }
            }
        } else if (sbyte == FEND) {
            inFrame = true;
            command = CMD_UNKNOWN;
            frameLen = 0;
            current.reset();
        } else if (inFrame && frameLen < RNodeCommand.MTU) {
            if (frameLen == 0 && command == CMD_UNKNOWN) {
                command = sbyte;
            } else if (command == RNodeCommand.DATA) {
                if (sbyte == FESC) {
                    escape = true;
                } else {
                    if (escape) {
                        if (sbyte == TFEND) sbyte = FEND;
                        if (sbyte == TFESC) sbyte = FESC;
                        escape = false;
                    }
                    synchronized (radioLock) {
                        if (queue.size() < QUEUE_MAX_LENGTH && queuedBytes < QUEUE_SIZE) {
                            queuedBytes++;
                            current.write(sbyte);
                        }
                    }
                }
            } else if (command == RNodeCommand.FREQUENCY || command == RNodeCommand.BANDWIDTH
                    || command == RNodeCommand.ST_ALOCK || command == RNodeCommand.LT_ALOCK) {
                if (sbyte == FESC) {
                    escape = true;
                } else {
                    if (escape) {
                        if (sbyte == TFEND) sbyte = FEND;
                        if (sbyte == TFESC) sbyte = FESC;
                        escape = false;
                    }
                    if (frameLen < CMD_L) cmdbuf[frameLen++] = (byte) sbyte;
                }
                multiByteCommand();
            } else {
                oneByteCommand(sbyte);
            }
        }
    }

    private void multiByteCommand() {
        if ((command == RNodeCommand.FREQUENCY || command == RNodeCommand.BANDWIDTH) && frameLen == 4) {
            long v = ((long) (cmdbuf[0] & 0xFF) << 24) | ((cmdbuf[1] & 0xFF) << 16) | ((cmdbuf[2] & 0xFF) << 8)
                    | (cmdbuf[3] & 0xFF);
            synchronized (radioLock) {
                if (command == RNodeCommand.FREQUENCY) {
                    if (v != 0) {
                        loraFreq = v;
                        if (radioOnline) {
                            applyFrequency();
                            applyChip();
                        }
                    }
                    indicate4(RNodeCommand.FREQUENCY, loraFreq);
                } else {
                    if (v != 0) {
                        loraBw = v;
                        if (radioOnline) {
                            applyBandwidth();
                            applyChip();
                        }
                    }
                    indicate4(RNodeCommand.BANDWIDTH, loraBw);
                }
            }
        } else if ((command == RNodeCommand.ST_ALOCK || command == RNodeCommand.LT_ALOCK) && frameLen == 2) {
            int at = ((cmdbuf[0] & 0xFF) << 8) | (cmdbuf[1] & 0xFF);
            if (at >= 10_000) at = 0; // a limit of 100 % or more is no limit
            indicate(command, new byte[] {(byte) (at >> 8), (byte) at}, true);
        }
    }

    private void oneByteCommand(int sbyte) {
        synchronized (radioLock) {
            switch (command) {
                case RNodeCommand.TXPOWER -> {
                    if (sbyte != 0xFF) loraTxp = Math.min(sbyte, model.maxTxPowerDbm());
                    indicate(RNodeCommand.TXPOWER, new byte[] {(byte) loraTxp}, false);
                }
                case RNodeCommand.SPREADING_FACTOR -> {
                    if (sbyte != 0xFF) {
                        loraSf = Math.max(5, Math.min(12, sbyte));
                        if (radioOnline) applyChip();
                    }
                    indicate(RNodeCommand.SPREADING_FACTOR, new byte[] {(byte) loraSf}, false);
                }
                case RNodeCommand.CODING_RATE -> {
                    if (sbyte != 0xFF) {
                        loraCr = Math.max(5, Math.min(8, sbyte));
                        if (radioOnline) applyChip();
                    }
                    indicate(RNodeCommand.CODING_RATE, new byte[] {(byte) loraCr}, false);
                }
                case RNodeCommand.RADIO_STATE -> {
                    if (sbyte == 0x00) {
                        radioOnline = false;
                        chip = null;
                    } else if (sbyte == 0x01) {
                        startRadio();
                    }
                    if (sbyte == 0x00 || sbyte == 0x01 || sbyte == 0xFF) indicateRadioState();
                }
                case RNodeCommand.RADIO_LOCK -> indicate(RNodeCommand.RADIO_LOCK, new byte[] {(byte) (locked() ? 1 : 0)},
                        false);
                case RNodeCommand.DETECT -> {
                    if (sbyte == RNodeCommand.DETECT_REQUEST) {
                        indicate(RNodeCommand.DETECT, new byte[] {(byte) RNodeCommand.DETECT_RESPONSE}, false);
                    }
                }
                case RNodeCommand.READY -> indicate(RNodeCommand.READY,
                        new byte[] {(byte) (queue.size() >= QUEUE_MAX_LENGTH || queuedBytes >= QUEUE_SIZE ? 0 : 1)},
                        false);
                case RNodeCommand.FW_VERSION -> indicate(RNodeCommand.FW_VERSION,
                        new byte[] {(byte) model.firmwareMajor(), (byte) model.firmwareMinor()}, false);
                case RNodeCommand.PLATFORM -> indicate(RNodeCommand.PLATFORM, new byte[] {(byte) model.platform()},
                        false);
                case RNodeCommand.MCU -> indicate(RNodeCommand.MCU, new byte[] {(byte) model.mcu()}, false);
                case RNodeCommand.STAT_RX -> indicate4(RNodeCommand.STAT_RX, packetsReceived.get());
                case RNodeCommand.STAT_TX -> indicate4(RNodeCommand.STAT_TX, packetsSent.get());
                case RNodeCommand.LEAVE -> { } // the cable session ends; nothing to answer
                default -> { } // commands of displays, Bluetooth, EEPROM, ...: not emulated, ignored
            }
        }
    }

    private boolean locked() {
        return loraFreq == 0 || loraBw == 0 || loraTxp == 0xFF || loraSf == 0;
    }

    /** The firmware's startRadio: refused (stays off) while a setting is missing; the chip takes the settings. */
    private void startRadio() {
        if (radioOnline || locked()) return;
        radioOnline = true;
        applyFrequency();
        applyBandwidth();
        applyChip();
        indicateRadioState(); // startRadio itself indicates, then the command handler does again
    }

    /** The SX1276's frequency: its 61 Hz step (32 MHz / 2^19), read back into the firmware's value. */
    private void applyFrequency() {
        long frf = (loraFreq << 19) / 32_000_000L;
        loraFreq = (frf * 32_000_000L) >> 19;
    }

    /** The SX1276's bandwidth: the next one up in its table, read back into the firmware's value. */
    private void applyBandwidth() {
        long chipBw = CHIP_BANDWIDTHS[CHIP_BANDWIDTHS.length - 1];
        for (long b : CHIP_BANDWIDTHS) {
            if (loraBw <= b) {
                chipBw = b;
                break;
            }
        }
        loraBw = chipBw;
    }

    private void applyChip() {
        chip = new ChipSettings(loraFreq, loraBw, Math.max(6, loraSf), loraCr);
    }

    private void indicateRadioState() {
        indicate(RNodeCommand.RADIO_STATE, new byte[] {(byte) (radioOnline ? 1 : 0)}, false);
    }

    private void indicate4(int cmd, long v) {
        indicate(cmd, new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}, true);
    }

    /** FEND cmd value FEND; the firmware escapes multi-byte values and data, not single status bytes. */
    private void indicate(int cmd, byte[] value, boolean escaped) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(FEND);
        out.write(cmd);
        for (byte b : value) {
            int v = b & 0xFF;
            if (escaped && v == FEND) {
                out.write(FESC);
                out.write(TFEND);
            } else if (escaped && v == FESC) {
                out.write(FESC);
                out.write(TFESC);
            } else {
                out.write(v);
            }
        }
        out.write(FEND);
        try {
            writeRaw(out.toByteArray());
        } catch (IOException e) {
            // host gone
        }
    }

    // ---------------------------------------------------------------------------------------------- radio side

    private void txLoop() {
        try {
            while (running) {
                byte[] packet;
                ChipSettings on;
                synchronized (radioLock) {
                    while (running && (queue.isEmpty() || !radioOnline)) radioLock.wait(100);
                    if (!running) return;
                    packet = queue.poll();
                    queuedBytes -= packet.length;
                    on = chip;
                }
                if (packet.length > RNodeCommand.MTU) continue; // the firmware drops what it cannot send
                // the firmware's CSMA, simplified: wait for a free channel, then a random number of slots
                do {
                    while (air.busy()) Thread.sleep(2);
                    Thread.sleep(random.nextInt(8) * 5L);
                } while (air.busy());
                transmit(packet, on);
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private void transmit(byte[] packet, ChipSettings on) throws InterruptedException {
        int header = random.nextInt(256) & 0xF0;
        boolean split = packet.length > RNodeCommand.SINGLE_FRAME_DATA;
        if (split) header |= 0x01;
        int firstLen = Math.min(packet.length, RNodeCommand.SINGLE_FRAME_DATA);
        sendFrame(header, packet, 0, firstLen, on);
        if (split) sendFrame(header, packet, firstLen, packet.length - firstLen, on);
        packetsSent.incrementAndGet();
        channelStats();
    }

    private void sendFrame(int header, byte[] packet, int off, int len, ChipSettings on) throws InterruptedException {
        byte[] frame = new byte[len + 1];
        frame[0] = (byte) header;
        System.arraycopy(packet, off, frame, 1, len);
        long toa = timeOnAirNanos(on, frame.length);
        synchronized (radioLock) {
            transmitting = true;
            lastAirtimeNanos = toa;
        }
        air.occupy(toa);
        Thread.sleep(toa / 1_000_000, (int) (toa % 1_000_000));
        synchronized (radioLock) {
            transmitting = false;
        }
        loraFramesSent.incrementAndGet();
        airtimeNanos.addAndGet(toa);
        air.carry(this, on, frame);
    }

    /** ESP32 firmware reports channel statistics after updating its airtime figures. */
    private void channelStats() {
        int rssi = -110 + RNodeCommand.RSSI_OFFSET;
        indicate(RNodeCommand.STAT_CHTM, new byte[] {0, 12, 0, 3, 0, 20, 0, 5, (byte) rssi, (byte) rssi, (byte) 0xFF},
                true);
    }

    /** A LoRa frame from the air: reassembled by the firmware's receive callback rules, then RSSI, SNR, DATA. */
    void hear(ChipSettings on, byte[] frame, int rssiDbm, double snrDb) {
        byte[] ready = null;
        synchronized (radioLock) {
            if (!radioOnline || transmitting || chip == null || !chip.equals(on) || frame.length < 1) return;
            int header = frame[0] & 0xFF;
            int seq = header >> 4;
            boolean split = (header & 0x01) != 0;
            if (split && rxSeq == -1) {
                rxBuf.reset();
                rxSeq = seq;
                rxBuf.write(frame, 1, frame.length - 1);
            } else if (split && rxSeq == seq) {
                rxBuf.write(frame, 1, frame.length - 1);
                rxSeq = -1;
                ready = rxBuf.toByteArray();
                rxBuf.reset();
            } else if (split) {
                rxBuf.reset();
                rxSeq = seq;
                rxBuf.write(frame, 1, frame.length - 1);
            } else {
                rxBuf.reset();
                rxSeq = -1;
                ready = java.util.Arrays.copyOfRange(frame, 1, frame.length);
            }
        }
        if (ready == null) return;
        packetsReceived.incrementAndGet();
        indicate(RNodeCommand.STAT_RSSI, new byte[] {(byte) (rssiDbm + RNodeCommand.RSSI_OFFSET)}, true);
        indicate(RNodeCommand.STAT_SNR, new byte[] {(byte) Math.round(snrDb * 4)}, true);
        indicate(RNodeCommand.DATA, ready, true);
    }

    /**
     * Semtech's time on air (AN1200.13) with the firmware's choices: explicit header, CRC on, low data rate
     * optimisation above 16 ms symbols, preamble of at least 18 symbols or 24 ms (6 ms above 30 kbit/s).
     */
    static long timeOnAirNanos(ChipSettings s, int length) {
        double tsym = Math.pow(2, s.spreadingFactor()) / s.bandwidthHz();
        boolean ldro = (long) (Math.pow(2, s.spreadingFactor()) / (s.bandwidthHz() / 1000.0)) > 16;
        double bitrate = s.spreadingFactor() * (4.0 / s.codingRate()) / (Math.pow(2, s.spreadingFactor())
                / (s.bandwidthHz() / 1000.0)) * 1000.0;
        double targetMs = bitrate > 30_000 ? 24 - 18 : 24;
        double pre = targetMs / (tsym * 1000);
        long preamble = pre < 18 ? 18 : (long) Math.ceil(pre);
        int num = 8 * length - 4 * s.spreadingFactor() + 28 + 16;
        int den = 4 * (s.spreadingFactor() - (ldro ? 2 : 0));
        int symbols = 8 + Math.max((int) Math.ceil((double) num / den) * s.codingRate(), 0);
        return (long) (((preamble + 4.25) + symbols) * tsym * 1e9);
    }

    @Override
    public void close() {
        running = false;
        air.leave(this);
        reader.interrupt();
        transmitter.interrupt();
        try {
            reader.join(2_000);
            transmitter.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
    }
}
