package net.sovereignbridge.app.transport.lora;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import net.sovereignbridge.drivers.sx126x.Sx126x;
import net.sovereignbridge.drivers.sx126x.Sx126xException;
import net.sovereignbridge.drivers.sx126x.Sx126xSettings;
import net.sovereignbridge.drivers.sx126x.Sx126xTimeOnAir;
import net.sovereignbridge.drivers.sx127x.PacketListener;

/** An SX1262, SX1268 or LLCC68 (our command-level driver) as a {@link LoraRadio}. */
public final class Sx126xRadio implements LoraRadio {
    private final Sx126x chip;
    private final Sx126xSettings settings;

    public Sx126xRadio(Sx126x chip, Sx126xSettings settings) {
        this.chip = Objects.requireNonNull(chip, "chip");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String chip() {
        return chip.hardware().chip() + chip.versionString().map(v -> " (" + v + ")").orElse("");
    }

    @Override
    public void configure() throws Failure {
        try {
            chip.configure(settings);
        } catch (Sx126xException e) {
            throw new Failure(e);
        }
    }

    @Override
    public void startReceiving(PacketListener listener) throws Failure {
        try {
            chip.startReceiving(listener);
        } catch (Sx126xException e) {
            throw new Failure(e);
        }
    }

    @Override
    public void transmit(byte[] payload) throws Failure {
        try {
            chip.transmit(payload);
        } catch (Sx126xException e) {
            throw new Failure(e);
        }
    }

    @Override
    public boolean channelActivityDetected() throws Failure {
        try {
            return chip.channelActivityDetected();
        } catch (Sx126xException e) {
            throw new Failure(e);
        }
    }

    @Override
    public void sleep() throws Failure {
        try {
            chip.sleep();
        } catch (Sx126xException e) {
            throw new Failure(e);
        }
    }

    @Override
    public long timeOnAirNanos(int length) {
        return Sx126xTimeOnAir.nanos(settings, length);
    }

    @Override
    public String modulation() {
        return String.format(Locale.ROOT, "%.3f MHz SF%d %s", settings.frequencyHz() / 1e6,
                settings.spreadingFactor(), settings.bandwidth());
    }

    @Override
    public Map<String, Long> counters() {
        Sx126x.Statistics s = chip.statistics();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("crcErrors", s.crcErrors());
        m.put("headerErrors", s.headerErrors());
        m.put("missedEdgeRecoveries", s.missedEdgeRecoveries());
        m.put("receiverRestarts", s.receiverRestarts());
        return m;
    }

    @Override
    public void close() {
        chip.close();
    }
}
