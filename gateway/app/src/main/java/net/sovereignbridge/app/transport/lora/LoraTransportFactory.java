package net.sovereignbridge.app.transport.lora;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.TransportSettings;

/**
 * LoRa radios on SPI ({@link LoraTransport}), one per section: keys {@code board, region, channel, internet-share,
 * lbt} ({@link LoraRadioConfig}). SX127x boards are driven; SX126x boards are checked and reported UNAVAILABLE
 * until the LoRa transport drives that chip. Two sections with boards on different chip selects (Uputronics CE0
 * and CE1, an 868 MHz and a 433 MHz module) are two radios on one gateway.
 */
public final class LoraTransportFactory implements TransportFactory {
    public static final String TYPE = "lora";
    private static final List<String> KEYS = List.of("board", "region", "channel", "internet-share", "lbt");

    private final LoraBringUp.BusOpener opener;
    private final LoraTransport.TimeSource time;

    /** @param opener opens a board's SPI and GPIO lines (Pi4J, or an emulated chip in tests) */
    public LoraTransportFactory(LoraBringUp.BusOpener opener, LoraTransport.TimeSource time) {
        this.opener = opener;
        this.time = time;
    }

    /** A checked LoRa section; the board file itself is read when the radio is brought up. */
    public record Settings(String id, LoraRadioConfig radio, LoraBringUp.BusOpener opener, LoraTransport.TimeSource time)
            implements TransportSettings {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Outcome bringUp(TransportContext context) {
            LoraBringUp.Outcome o = radio.bringUp(id, context.node(), opener, time);
            if (o instanceof LoraBringUp.Up up) return new Up(up.transport(), up.resources());
            return new Down(((LoraBringUp.Down) o).reason());
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String shorthandId() {
        return "lora0";
    }

    @Override
    public boolean drivesRadio() {
        return true;
    }

    /** No {@code lora.board}: no radio. */
    @Override
    public Optional<TransportSettings> readShorthand(ConfigNode section) throws ConfigException {
        return radio(section).map(r -> new Settings(shorthandId(), r, opener, time));
    }

    @Override
    public TransportSettings read(String id, ConfigNode section) throws ConfigException {
        LoraRadioConfig r = radio(section).orElseThrow(() -> section.invalid("board",
                "missing; a bundled board name (sbridge board list) or a board YAML file"));
        return new Settings(id, r, opener, time);
    }

    private static Optional<LoraRadioConfig> radio(ConfigNode section) throws ConfigException {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String k : KEYS) {
            String v = section.string(k, null);
            if (v != null) keys.put("lora." + k, v);
        }
        try {
            return LoraRadioConfig.fromKeys(keys);
        } catch (LoraRadioConfig.BadKey e) {
            throw section.invalid(e.key(), e.problem());
        }
    }
}
