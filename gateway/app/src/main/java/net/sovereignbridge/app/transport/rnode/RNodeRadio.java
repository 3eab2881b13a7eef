package net.sovereignbridge.app.transport.rnode;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.app.transport.lora.LoraRadio;
import net.sovereignbridge.drivers.kiss.SerialPortException;
import net.sovereignbridge.drivers.kiss.SerialPortOpener;
import net.sovereignbridge.drivers.rnode.RNode;
import net.sovereignbridge.drivers.rnode.RNodeCommand;
import net.sovereignbridge.drivers.rnode.RNodeException;
import net.sovereignbridge.drivers.rnode.RNodeInfo;
import net.sovereignbridge.drivers.rnode.RNodeSettings;
import net.sovereignbridge.drivers.sx127x.Bandwidth;
import net.sovereignbridge.drivers.sx127x.CodingRate;
import net.sovereignbridge.drivers.sx127x.PacketListener;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import net.sovereignbridge.drivers.sx127x.TimeOnAir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An RNode on USB serial as the LoRa transport's radio: the same link header, duty-cycle governor and airtime queues
 * as an SPI chip, with the RNode doing the chip work. Differences the transport sees: no CAD (the RNode runs its own
 * listen-before-talk, so the transport's is off), a packet is handed over rather than sent while we wait, so {@link
 * #transmit} waits for its time on air before the next one (the RNode's queue is small and the governor's timing must
 * follow the air), and time on air counts the RNode's header byte and its split into two LoRa frames above 254 bytes.
 */
public final class RNodeRadio implements LoraRadio {
    private static final Logger log = LoggerFactory.getLogger(RNodeRadio.class);

    private final RNodeSettings settings;
    private final Bandwidth bandwidth;
    private final CodingRate codingRate;
    private final String transportId;
    private volatile RNode rnode;
    private volatile PacketListener listener;
    private volatile int preambleSymbols;

    private RNodeRadio(String transportId, RNodeSettings settings) {
        this.transportId = transportId;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.bandwidth = bandwidthOf(settings.bandwidthHz());
        this.codingRate = CodingRate.ofCode(settings.codingRate() - 4);
        this.preambleSymbols = preambleSymbols(settings, RNodeCommand.PLATFORM_ESP32);
    }

    /**
     * Opens the device and detects the RNode (its radio stays off until {@link #configure}).
     *
     * @throws SerialPortException the device cannot be opened
     * @throws RNodeException no RNode answers, or its firmware is too old
     */
    public static RNodeRadio open(String transportId, SerialPortOpener opener, String device, int speed,
                                  RNodeSettings settings, long replyTimeoutMillis)
            throws SerialPortException, RNodeException {
        RNodeRadio radio = new RNodeRadio(transportId, settings);
        RNode r = new RNode(opener, device, speed, radio.new Events(), replyTimeoutMillis);
        RNodeInfo info = r.open();
        radio.rnode = r;
        radio.preambleSymbols = preambleSymbols(settings, info.platform());
        return radio;
    }

    /** The LoRa bandwidth the RNode spells as {@code hz} (7800 for 7.8 kHz, 41700 for 41.7 kHz ...). */
    static Bandwidth bandwidthOf(long hz) {
        return Bandwidth.ofKilohertz(hz / 1000.0);
    }

    /**
     * The firmware's preamble: on ESP32 and nRF52 boards at least 18 symbols or 24 ms (6 ms above 30 kbit/s),
     * on AVR boards 18 symbols.
     */
    static int preambleSymbols(RNodeSettings s, int platform) {
        if (platform == RNodeCommand.PLATFORM_AVR) return 18;
        double symbolMs = Math.pow(2, s.spreadingFactor()) / s.bandwidthHz() * 1000.0;
        double bitrate = s.spreadingFactor() * (4.0 / s.codingRate()) / symbolMs * 1000.0;
        double targetMs = bitrate > 30_000 ? 6 : 24;
        double symbols = targetMs / symbolMs;
        return symbols < 18 ? 18 : (int) Math.ceil(symbols);
    }

    /** The firmware's low data rate rule: on when 2^SF / (bandwidth in whole kHz) exceeds 16 ms, in integers. */
    private boolean lowDataRate() {
        return (1L << settings.spreadingFactor()) / (settings.bandwidthHz() / 1000) > 16;
    }

    public RNodeInfo info() {
        return rnode.info();
    }

    public RNodeSettings settings() {
        return settings;
    }

    @Override
    public String chip() {
        return rnode.info().toString() + " on " + rnode.device();
    }

    @Override
    public void configure() throws Failure {
        try {
            rnode.configure(settings);
        } catch (RNodeException e) {
            throw new Failure(e);
        }
    }

    @Override
    public void startReceiving(PacketListener packets) {
        this.listener = packets;
    }

    @Override
    public void transmit(byte[] payload) throws Failure {
        try {
            rnode.send(payload);
        } catch (IOException e) {
            throw new Failure(e);
        }
        long toa = timeOnAirNanos(payload.length);
        try {
            TimeUnit.NANOSECONDS.sleep(toa);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An RNode has no CAD command; it listens before talking itself. */
    @Override
    public boolean channelActivityDetected() {
        return false;
    }

    @Override
    public void sleep() throws Failure {
        try {
            rnode.radioOff();
        } catch (RNodeException e) {
            throw new Failure(e);
        }
    }

    /** One LoRa frame of header + packet up to 254 packet bytes; above, two frames (255 bytes, then the rest + 1). */
    @Override
    public long timeOnAirNanos(int length) {
        int total = length + 1;
        if (total <= 255) return frameNanos(total);
        return frameNanos(255) + frameNanos(total - RNodeCommand.SINGLE_FRAME_DATA);
    }

    private long frameNanos(int bytes) {
        return TimeOnAir.nanos(settings.spreadingFactor(), bandwidth, codingRate, preambleSymbols, false, true,
                lowDataRate(), bytes);
    }

    @Override
    public String modulation() {
        return String.format(Locale.ROOT, "%.3f MHz SF%d %s CR4/%d %d dBm (RNode)", settings.frequencyHz() / 1e6,
                settings.spreadingFactor(), bandwidth, settings.codingRate(), settings.txPowerDbm());
    }

    @Override
    public Map<String, Long> counters() {
        return rnode.counters();
    }

    @Override
    public String problem() {
        return rnode.problem();
    }

    @Override
    public void close() {
        RNode r = rnode;
        if (r != null) r.close();
    }

    private final class Events implements RNode.Listener {
        @Override
        public void onPacket(byte[] data, int rssiDbm, double snrDb) {
            PacketListener l = listener;
            if (l != null) {
                l.onPacket(new ReceivedPacket(data, rssiDbm == Integer.MIN_VALUE ? Double.NaN : rssiDbm, snrDb, true));
            }
        }

        @Override
        public void onError(int code, String description) {
            log.warn("{}: the RNode reports: {}", transportId, description);
        }

        @Override
        public void onStateChanged(boolean usable, String problem) {
            if (usable) log.info("{}: the RNode is back and configured again", transportId);
            else log.warn("{}: {}", transportId, problem);
        }
    }
}
