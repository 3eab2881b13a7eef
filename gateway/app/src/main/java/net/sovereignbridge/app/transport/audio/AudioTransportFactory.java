package net.sovereignbridge.app.transport.audio;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.TransportSettings;
import net.sovereignbridge.app.transport.lora.LoraRadioConfig;
import net.sovereignbridge.drivers.audiomodem.GgwaveProtocol;
import net.sovereignbridge.mesh.transport.TransportProfile;

/**
 * The audio modem through a sound card ({@link AudioTransport}): keys {@code device, mode, volume, share,
 * queue-limit, neighbour-timeout-ms}. Only in {@code transports:} lists. A missing card is not a configuration
 * error: the transport comes up UNAVAILABLE with the reason and opens the card when it appears.
 */
public final class AudioTransportFactory implements TransportFactory {
    public static final String TYPE = "audio";

    private final Clock clock;

    public AudioTransportFactory(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public record Settings(String id, AudioTransport.Options options, Clock clock) implements TransportSettings {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Outcome bringUp(TransportContext context) {
            int linkId = context.node() != null ? LoraRadioConfig.linkIdOf(context.node()) : new SecureRandom().nextInt(0xFFFF);
            if (linkId == AudioTransport.BROADCAST_ID) linkId = 0xFFFE;
            return Up.of(new AudioTransport(id, options, linkId, clock));
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String shorthandId() {
        return "audio0";
    }

    @Override
    public boolean drivesRadio() {
        return true;
    }

    @Override
    public Optional<TransportSettings> readShorthand(ConfigNode section) throws ConfigException {
        return TransportFactory.listEntryOnly(section, "a sound card is configured in transports: as {type: audio, id: audio0, device: ...}",
                "device");
    }

    @Override
    public TransportSettings read(String id, ConfigNode section) throws ConfigException {
        String device = section.string("device", "");
        if (device.isEmpty()) {
            throw section.invalid("device", "missing: the sound card's name or part of it (sbridge modem devices lists them)");
        }
        String modeName = section.string("mode", GgwaveProtocol.ULTRASOUND_FASTEST.cliName());
        GgwaveProtocol mode;
        try {
            mode = GgwaveProtocol.fromCliName(modeName);
        } catch (IllegalArgumentException e) {
            throw section.invalid("mode", e.getMessage() + "; one of ggwave-u-fastest, ggwave-u-fast, ggwave-u-normal");
        }
        int volume = (int) section.integer("volume", 50, 1, 100);
        double share = section.decimal("share", 0.5, 0.01, 1.0);
        int queueLimit = (int) section.integer("queue-limit", 32, 1, 1024);
        long timeout = section.integer("neighbour-timeout-ms", 6 * TransportProfile.DEFAULT_NEIGHBOUR_TIMEOUT_MILLIS, 1_000,
                86_400_000);
        return new Settings(id, new AudioTransport.Options(device, mode, volume, share, queueLimit, timeout), clock);
    }
}
