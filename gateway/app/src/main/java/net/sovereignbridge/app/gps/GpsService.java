package net.sovereignbridge.app.gps;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import net.sovereignbridge.drivers.kiss.SerialLink;
import net.sovereignbridge.drivers.kiss.SerialPortException;
import net.sovereignbridge.drivers.kiss.SerialPortOpener;
import net.sovereignbridge.drivers.nmea.GpsFix;
import net.sovereignbridge.drivers.nmea.NmeaReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a serial GPS on one thread ({@link NmeaReceiver}) and keeps its last fix for the status, with the offset of
 * the system clock from GPS time (what an off-grid gateway without NTP needs to know first). A device that is absent
 * or goes away is retried with backoff; the daemon runs on without a GPS meanwhile, and the status says why.
 */
public final class GpsService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GpsService.class);
    private static final long MIN_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final GpsSettings settings;
    private final SerialPortOpener opener;
    private final Clock clock;
    private final java.util.function.Consumer<GpsFix> onFix;
    private final NmeaReceiver receiver = new NmeaReceiver();
    private final Thread reader;
    private volatile boolean running = true;
    private volatile SerialLink link;
    private volatile GpsFix fix = GpsFix.NONE;
    private volatile long clockOffsetMillis;
    private volatile boolean haveOffset;
    private volatile String problem = "";

    private GpsService(GpsSettings settings, SerialPortOpener opener, Clock clock,
                       java.util.function.Consumer<GpsFix> onFix) {
        this.settings = settings;
        this.onFix = Objects.requireNonNull(onFix, "onFix");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reader = new Thread(this::readLoop, "gps-" + settings.device());
        reader.setDaemon(true);
    }

    /**
     * Starts reading {@code settings.device()}; returns at once, the device is opened on the reader thread.
     *
     * @param onFix hears every new fix, on the reader thread
     */
    public static GpsService start(GpsSettings settings, SerialPortOpener opener, Clock clock,
                                   java.util.function.Consumer<GpsFix> onFix) {
        GpsService s = new GpsService(settings, opener, clock, onFix);
        s.reader.start();
        return s;
    }

    public GpsFix fix() {
        return fix;
    }

    private void readLoop() {
        byte[] buf = new byte[512];
        long backoff = MIN_BACKOFF_MILLIS;
        while (running) {
            SerialLink l = link;
            if (l == null) {
                try {
                    link = opener.open(settings.device(), settings.speed());
                    problem = "";
                    backoff = MIN_BACKOFF_MILLIS;
                } catch (SerialPortException e) {
                    if (!e.getMessage().equals(problem)) log.warn("gps: {}", e.getMessage());
                    problem = e.getMessage();
                    sleep(backoff);
                    backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                }
                continue;
            }
            try {
                int n = l.read(buf);
                receiver.feed(buf, 0, n, this::onFix);
            } catch (IOException e) {
                link = null;
                l.close();
                problem = settings.device() + ": " + e.getMessage() + "; reopening";
                log.warn("gps: {}", problem);
            }
        }
    }

    private void onFix(GpsFix f) {
        if (f.time() != null && !f.equals(fix)) {
            clockOffsetMillis = clock.millis() - f.time().toEpochMilli();
            haveOffset = true;
        }
        fix = f;
        onFix.accept(f);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For {@code sbridge status}: device, fix, position, satellites, GPS time, clock offset, counters, problem. */
    public Map<String, Object> statusFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        GpsFix f = fix;
        m.put("device", settings.device());
        m.put("connected", link != null);
        m.put("fix", f.valid());
        if (f.valid()) {
            m.put("latitude", f.latitude());
            m.put("longitude", f.longitude());
            m.put("satellites", (long) f.satellites());
            if (!Double.isNaN(f.hdop())) m.put("hdop", f.hdop());
            if (!Double.isNaN(f.altitudeMeters())) m.put("altitudeMeters", f.altitudeMeters());
        }
        if (f.time() != null) m.put("gpsTime", f.time().toString());
        if (haveOffset) m.put("clockOffsetMillis", clockOffsetMillis);
        NmeaReceiver.Counters c = receiver.counters();
        m.put("sentences", c.sentences());
        m.put("badChecksums", c.badChecksums());
        m.put("malformed", c.malformed());
        m.put("overlong", c.overlong());
        String p = problem.isEmpty() ? receiver.lastProblem() : problem;
        if (!p.isEmpty()) m.put("problem", p);
        return m;
    }

    @Override
    public void close() {
        running = false;
        reader.interrupt();
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SerialLink l = link;
        link = null;
        if (l != null) l.close();
    }
}
