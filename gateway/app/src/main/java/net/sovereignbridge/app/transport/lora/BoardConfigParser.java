package net.sovereignbridge.app.transport.lora;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a board file. The {@code Lora:} block takes meshtasticd's keys, so community HAT definitions work as they
 * are, plus ours beside them:
 * <pre>
 * Meta:                 (meshtasticd) name: shown by "sbridge board list"
 * Lora:
 *   Module: RF95        (meshtasticd) RF95 = SX1276/77/78/79 (also accepted: sx1276..sx1279, RFM95/96/98)
 *   spidev: spidev0.1   (meshtasticd) the SPI device; default spidev0.0
 *   CS: 7               (meshtasticd) chip-select GPIO (BCM)
 *   IRQ: 22             (meshtasticd) DIO0 GPIO (BCM), required
 *   Reset: 25           (meshtasticd) NRESET GPIO (BCM), optional
 *   gpiochip: 0         (meshtasticd) accepted; Pi4J picks the chip labelled "pinctrl" itself
 *   chipSelect: hardware|software   default: hardware when CS is the spidev's CE line (CE0 = GPIO8, CE1 = GPIO7)
 *   band: 862-1020      MHz range of the module (RFM95: 862-1020, RFM96/98: 410-525); default 137-1020
 *   maxPower: 20        dBm the board can do (PA_BOOST: 2..20)
 *   region: EU868       EU868 | EU433 | US915 | AS923
 *   channel: 3          index into the region's channel list, or
 *   frequency: 869.525  MHz
 *   preset: long-fast   short-fast | short | medium | long-fast | long-slow
 *   power: 14           dBm; checked against maxPower and the sub-band's EIRP limit (with antennaGain)
 *   antennaGain: 0      dBi
 *   syncWord: 0x12      default 0x12 (private networks)
 * </pre>
 * Every problem names the file, the line and the key. Unknown keys in {@code Lora:} are warnings (meshtasticd
 * grows new ones); other top-level sections of a meshtasticd config are ignored.
 */
public final class BoardConfigParser {
    /** A problem found in a board file: {@code file:line: key: message}. */
    public record Problem(String source, int line, String key, String message) {
        @Override
        public String toString() {
            return source + ":" + line + ": " + key + ": " + message;
        }
    }

    public record Result(Optional<BoardConfig> config, List<Problem> errors, List<Problem> warnings) {
        public boolean ok() {
            return errors.isEmpty() && config.isPresent();
        }
    }

    private static final Set<String> SX127X_MODULES = Set.of("rf95", "sx1276", "sx1277", "sx1278", "sx1279",
            "rfm95", "rfm96", "rfm97", "rfm98");
    private static final Set<String> OTHER_KNOWN_MODULES = Set.of("sx1262", "sx1268", "sx1280", "lr1110", "lr1120",
            "lr1121", "llcc68", "sim");
    /** meshtasticd keys that do not apply to an SX127x and are ignored here. */
    private static final Set<String> MESHTASTICD_OTHER_KEYS = Set.of("Busy", "TXen", "RXen", "DIO2_AS_RF_SWITCH",
            "DIO3_TCXO_VOLTAGE", "SX126X_ANT_SW", "USE_GPIOCHIP", "spiSpeed", "SX126X_MAX_POWER", "SX128X_MAX_POWER",
            "RF95_MAX_POWER", "LR1110_MAX_POWER", "LR1120_MAX_POWER", "rfswitch_table", "ch341_quirk", "USB_PID",
            "USB_VID", "USB_Serialnum", "Enable_Pins", "TX_GAIN_LORA");
    private static final Pattern SPIDEV = Pattern.compile("(?:/dev/)?spidev(\\d)\\.(\\d)");
    private static final Pattern BAND = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*-\\s*(\\d+(?:\\.\\d+)?)\\s*");

    private final String source;
    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();
    private final Map<String, ScalarNode> lora = new LinkedHashMap<>();
    private int loraLine = 1;

    private BoardConfigParser(String source) {
        this.source = source;
    }

    public static Result parse(String yaml, String source) {
        return new BoardConfigParser(source).run(yaml);
    }

    private Result run(String yaml) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            error(line, "yaml", e.getProblem());
            return result(null);
        } catch (RuntimeException e) {
            error(1, "yaml", String.valueOf(e.getMessage()));
            return result(null);
        }
        if (!(root instanceof MappingNode map)) {
            error(1, "Lora", "the file must be a YAML mapping with a Lora: block");
            return result(null);
        }
        String name = null;
        MappingNode loraNode = null;
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode());
            if ("Lora".equals(key)) {
                if (t.getValueNode() instanceof MappingNode m) {
                    loraNode = m;
                    loraLine = line(t.getKeyNode());
                } else {
                    error(line(t.getKeyNode()), "Lora", "must be a mapping of keys");
                }
            } else if ("Meta".equals(key) && t.getValueNode() instanceof MappingNode meta) {
                for (NodeTuple mt : meta.getValue()) {
                    if ("name".equals(scalar(mt.getKeyNode()))) name = scalar(mt.getValueNode());
                }
            }
        }
        if (loraNode == null) {
            if (errors.isEmpty()) error(1, "Lora", "no Lora: block (the radio description)");
            return result(null);
        }
        for (NodeTuple t : loraNode.getValue()) {
            String key = scalar(t.getKeyNode());
            if (key == null) continue;
            if (t.getValueNode() instanceof ScalarNode s) {
                lora.put(key, s);
            } else if (!MESHTASTICD_OTHER_KEYS.contains(key)) {
                error(line(t.getKeyNode()), key, "must be a single value");
            }
        }
        return result(build(name));
    }

    private BoardConfig build(String name) {
        for (String key : lora.keySet()) {
            if (!KNOWN_KEYS.contains(key)) {
                if (MESHTASTICD_OTHER_KEYS.contains(key)) {
                    warn(key, "does not apply to an SX127x radio; ignored");
                } else {
                    warn(key, "unknown key; ignored");
                }
            }
        }
        String module = text("Module").orElse(null);
        if (module == null) {
            error(loraLine, "Module", "missing (RF95 for SX1276/77/78/79 boards)");
        } else {
            String m = module.toLowerCase(Locale.ROOT);
            if (OTHER_KNOWN_MODULES.contains(m)) {
                error("Module", "module " + module + " is not an SX127x; this gateway drives SX1276/77/78/79 "
                        + "(Module: RF95) only");
            } else if (!SX127X_MODULES.contains(m)) {
                error("Module", "unknown module '" + module + "' (expected RF95 for SX1276/77/78/79)");
            }
        }
        int spiBus = 0, spiCs = 0;
        Optional<String> spidev = text("spidev");
        if (spidev.isPresent()) {
            Matcher m = SPIDEV.matcher(spidev.get().trim());
            if (m.matches()) {
                spiBus = Integer.parseInt(m.group(1));
                spiCs = Integer.parseInt(m.group(2));
                if (spiCs > 2) error("spidev", "chip select " + spiCs + " is out of range (0..2)");
            } else {
                error("spidev", "'" + spidev.get() + "' is not a spidev name like spidev0.1");
            }
        }
        OptionalInt irq = gpio("IRQ");
        if (irq.isEmpty() && !lora.containsKey("IRQ")) error(loraLine, "IRQ", "missing (the GPIO wired to DIO0)");
        OptionalInt reset = gpio("Reset");
        OptionalInt cs = gpio("CS");
        int ceGpio = spiCs == 0 ? 8 : spiCs == 1 ? 7 : -1;
        int csGpio = cs.orElse(ceGpio);
        boolean softwareCs = csGpio != ceGpio;
        Optional<String> csMode = text("chipSelect");
        if (csMode.isPresent()) {
            String v = csMode.get().trim().toLowerCase(Locale.ROOT);
            if (v.equals("software")) {
                softwareCs = true;
            } else if (v.equals("hardware")) {
                if (csGpio != ceGpio) {
                    error("chipSelect", "hardware chip select needs CS on the CE line of spidev" + spiBus + "."
                            + spiCs + " (GPIO" + ceGpio + "), but CS is GPIO" + csGpio + "; use chipSelect: software");
                }
                softwareCs = false;
            } else {
                error("chipSelect", "must be hardware or software, got '" + csMode.get() + "'");
            }
        }
        OptionalInt gpiochip = integer("gpiochip", 0, 16);

        long bandLow = 137_000_000L, bandHigh = 1_020_000_000L;
        Optional<String> band = text("band");
        if (band.isPresent()) {
            Matcher m = BAND.matcher(band.get());
            if (m.matches()) {
                bandLow = Math.round(Double.parseDouble(m.group(1)) * 1e6);
                bandHigh = Math.round(Double.parseDouble(m.group(2)) * 1e6);
                if (bandLow >= bandHigh || bandLow < 137_000_000L || bandHigh > 1_020_000_000L) {
                    error("band", "must be a MHz range within 137-1020, got " + band.get());
                }
            } else {
                error("band", "must be a MHz range like 862-1020, got '" + band.get() + "'");
            }
        }
        int maxPower = integer("maxPower", 2, 20).orElse(20);
        int antennaGain = integer("antennaGain", -10, 30).orElse(0);
        int syncWord = integer("syncWord", 0, 255).orElse(0x12);

        ModemPreset preset = ModemPreset.LONG_FAST;
        Optional<String> presetText = text("preset");
        if (presetText.isPresent()) {
            Optional<ModemPreset> p = ModemPreset.parse(presetText.get());
            if (p.isPresent()) {
                preset = p.get();
            } else {
                error("preset", "unknown preset '" + presetText.get() + "' (short-fast, short, medium, long-fast, "
                        + "long-slow)");
            }
        }

        Optional<Region> region = Optional.empty();
        Optional<String> regionText = text("region");
        if (regionText.isPresent()) {
            region = Region.parse(regionText.get());
            if (region.isEmpty()) error("region", "unknown region '" + regionText.get() + "' (EU868, EU433, US915, AS923)");
        }
        OptionalLong frequency = OptionalLong.empty();
        String frequencyKey = "frequency";
        if (lora.containsKey("frequency") && lora.containsKey("channel")) {
            error("frequency", "give either channel or frequency, not both");
        } else if (lora.containsKey("frequency")) {
            try {
                frequency = OptionalLong.of(Math.round(Double.parseDouble(lora.get("frequency").getValue().trim()) * 1e6));
            } catch (NumberFormatException e) {
                error("frequency", "must be a number of MHz, got '" + lora.get("frequency").getValue() + "'");
            }
        } else if (region.isPresent()) {
            frequencyKey = lora.containsKey("channel") ? "channel" : "region";
            List<Long> channels = region.get().channels();
            OptionalInt ch = integer("channel", 0, 1000);
            int index = ch.orElse(0);
            if (index >= channels.size()) {
                error("channel", "channel " + index + " does not exist in " + region.get() + " (0.."
                        + (channels.size() - 1) + ")");
            } else {
                frequency = OptionalLong.of(channels.get(index));
            }
        }
        OptionalInt power = integer("power", -4, 30);

        if (frequency.isPresent()) {
            long f = frequency.getAsLong();
            double bw = preset.bandwidth().hertz();
            if (f < bandLow || f > bandHigh) {
                error(frequencyKey, String.format(Locale.ROOT, "frequency %.3f MHz is outside the module's band "
                        + "%.0f-%.0f MHz", f / 1e6, bandLow / 1e6, bandHigh / 1e6));
            }
            if (region.isPresent()) {
                Optional<Region.SubBand> sub = region.get().subBandOf(f, bw);
                if (sub.isEmpty()) {
                    error(frequencyKey, String.format(Locale.ROOT, "frequency %.3f MHz (%.0f kHz wide) is outside "
                            + "region %s (%s)", f / 1e6, bw / 1e3, region.get(), region.get().describeSubBands()));
                } else if (power.isPresent() && power.getAsInt() + antennaGain > sub.get().maxEirpDbm()) {
                    error("power", "power " + power.getAsInt() + " dBm" + (antennaGain != 0 ? " + " + antennaGain
                            + " dBi antenna" : "") + " is above the limit of " + sub.get().name() + " ("
                            + sub.get().maxEirpDbm() + " dBm EIRP)");
                }
            }
        }
        if (power.isPresent() && power.getAsInt() > maxPower) {
            error("power", "power " + power.getAsInt() + " dBm is above the board's maxPower (" + maxPower + " dBm)");
        }
        if (power.isPresent() && power.getAsInt() < 2) {
            error("power", "PA_BOOST output starts at 2 dBm, got " + power.getAsInt());
        }
        if (!errors.isEmpty() || irq.isEmpty()) return null;
        String display = name != null ? name : source;
        return new BoardConfig(source, display, module, spiBus, spiCs, csGpio, irq.getAsInt(), reset, gpiochip,
                softwareCs, bandLow, bandHigh, maxPower, region, frequency, preset, power, antennaGain, syncWord);
    }

    private static final Set<String> KNOWN_KEYS = Set.of("Module", "spidev", "CS", "IRQ", "Reset", "gpiochip",
            "chipSelect", "band", "maxPower", "region", "channel", "frequency", "preset", "power", "antennaGain",
            "syncWord");

    // ---------------------------------------------------------------------------------------------- helpers

    private Optional<String> text(String key) {
        ScalarNode n = lora.get(key);
        if (n == null || n.getValue().isBlank()) return Optional.empty();
        return Optional.of(n.getValue());
    }

    private OptionalInt gpio(String key) {
        return integer(key, 0, 27);
    }

    private OptionalInt integer(String key, int min, int max) {
        Optional<String> t = text(key);
        if (t.isEmpty()) return OptionalInt.empty();
        int v;
        try {
            v = Integer.decode(t.get().trim());
        } catch (NumberFormatException e) {
            error(key, "must be an integer, got '" + t.get() + "'");
            return OptionalInt.empty();
        }
        if (v < min || v > max) {
            error(key, "must be within " + min + ".." + max + ", got " + v);
            return OptionalInt.empty();
        }
        return OptionalInt.of(v);
    }

    private static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    private static int line(Node n) {
        return n.getStartMark() != null ? n.getStartMark().getLine() + 1 : 1;
    }

    private void error(String key, String message) {
        ScalarNode n = lora.get(key);
        error(n != null ? line(n) : loraLine, key, message);
    }

    private void error(int line, String key, String message) {
        errors.add(new Problem(source, line, key, message));
    }

    private void warn(String key, String message) {
        ScalarNode n = lora.get(key);
        warnings.add(new Problem(source, n != null ? line(n) : loraLine, key, message));
    }

    private Result result(BoardConfig config) {
        return new Result(Optional.ofNullable(config), List.copyOf(errors), List.copyOf(warnings));
    }
}
