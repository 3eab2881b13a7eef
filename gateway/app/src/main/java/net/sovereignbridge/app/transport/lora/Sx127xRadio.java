package net.sovereignbridge.app.transport.lora;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import net.sovereignbridge.drivers.sx127x.LoRaSettings;
import net.sovereignbridge.drivers.sx127x.PacketListener;
import net.sovereignbridge.drivers.sx127x.Sx127x;
import net.sovereignbridge.drivers.sx127x.Sx127xException;
import net.sovereignbridge.drivers.sx127x.TimeOnAir;

/** An SX1276/77/78/79 (our register-level driver) as a {@link LoraRadio}. */
public final class Sx127xRadio implements LoraRadio {
    private final Sx127x chip;
    private final LoRaSettings settings;

    public Sx127xRadio(Sx127x chip, LoRaSettings settings) {
        this.chip = Objects.requireNonNull(chip, "chip");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String chip() {
        return String.format(Locale.ROOT, "SX127x RegVersion 0x%02X", chip.version());
    }

    @Override
    public void configure() throws Failure {
        try {
            chip.configure(settings);
        } catch (Sx127xException e) {
            throw new Failure(e);
        }
    }

    @Override
    public void startReceiving(PacketListener listener) throws Failure {
        try {
            chip.startReceiving(listener);
        } catch (Sx127xException e) {
            throw new Failure(e);
        }
    }

    @Override
    public void transmit(byte[] payload) throws Failure {
        try {
            chip.transmit(payload);
        } catch (Sx127xException e) {
            throw new Failure(e);
        }
    }

    @Override
    public boolean channelActivityDetected() throws Failure {
        try {
            return chip.channelActivityDetected();
        } catch (Sx127xException e) {
            throw new Failure(e);
        }
    }

    @Override
    public void sleep() throws Failure {
        try {
            chip.sleep();
        } catch (Sx127xException e) {
            throw new Failure(e);
        }
    }

    @Override
    public long timeOnAirNanos(int length) {
        return TimeOnAir.nanos(settings, length);
    }

    @Override
    public String modulation() {
        return String.format(Locale.ROOT, "%.3f MHz SF%d %s", settings.frequencyHz() / 1e6,
                settings.spreadingFactor(), settings.bandwidth());
    }

    @Override
    public Map<String, Long> counters() {
        Sx127x.Statistics s = chip.statistics();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("crcErrors", s.crcErrors());
        m.put("missedEdgeRecoveries", s.missedEdgeRecoveries());
        m.put("receiverRestarts", s.receiverRestarts());
        m.put("rxOverruns", s.rxOverruns());
        return m;
    }

    @Override
    public void close() {
        chip.close();
    }
}
