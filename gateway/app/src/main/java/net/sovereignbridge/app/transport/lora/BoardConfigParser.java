package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
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
import net.sovereignbridge.drivers.sx126x.Sx126xChip;
import net.sovereignbridge.drivers.sx126x.TcxoVoltage;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a board file. The {@code Lora:} block takes meshtasticd's keys, so community HAT definitions work as they
 * are, plus ours beside them:
 * <pre>
 * Meta:                 (meshtasticd) name: shown by "sbridge board list"
 * Lora:
 *   Module: RF95        (meshtasticd) RF95 = SX1276/77/78/79 (also accepted: sx1276..sx1279, RFM95/96/98);
 *                       sx1262, sx1268, llcc68 = the SX126x family
 *   spidev: spidev0.1   (meshtasticd) the SPI device; default spidev0.0
 *   CS: 7               (meshtasticd) chip-select GPIO (BCM)
 *   IRQ: 22             (meshtasticd) DIO0 (SX127x) or DIO1 (SX126x) GPIO (BCM), required
 *   Reset: 25           (meshtasticd) NRESET GPIO (BCM), optional
 *   gpiochip: 0         (meshtasticd) accepted; Pi4J picks the chip labelled "pinctrl" itself
 *   Busy: 20            (meshtasticd) SX126x only, required there: the BUSY GPIO
 *   TXen: 13 / RXen: 12 (meshtasticd) SX126x only: RF switch lines the host drives
 *   DIO2_AS_RF_SWITCH: true   (meshtasticd) SX126x only: DIO2 drives the RF switch
 *   DIO3_TCXO_VOLTAGE: true   (meshtasticd) SX126x only: TCXO on DIO3; true = 1.8 V, or 1.6..3.3
 *   Enable_Pins: [12, 13]     (meshtasticd) SX126x only: GPIOs held high while the radio is used
 *   SX126X_ANT_SW: 6    (meshtasticd) SX126x only: an antenna switch supply held high (an enable pin)
 *   SX126X_MAX_POWER: 8 (meshtasticd) SX126x only: the same as maxPower
 *   TX_GAIN_LORA: 8     (meshtasticd) SX126x only: the same as paGain
 *   chipSelect: hardware|software   default: hardware when CS is the spidev's CE line (CE0 = GPIO8, CE1 = GPIO7)
 *   band: 862-1020      MHz range of the module (RFM95: 862-1020, RFM96/98: 410-525); default: the chip's
 *   maxPower: 20        dBm the chip may be set to (SX127x PA_BOOST: 2..20, default 20; SX126x: -9..22, default 22)
 *   paGain: 8           dB an external PA adds after an SX126x (E22-900M30S: 8); counted against the EIRP limit
 *   region: EU868       EU868 | EU433 | US915 | AS923
 *   channel: 3          index into the region's channel list, or
 *   frequency: 869.525  MHz
 *   preset: long-fast   short-fast | short | medium | long-fast | long-slow
 *   power: 14           dBm; checked against maxPower and the sub-band's EIRP limit (with antennaGain)
 *   antennaGain: 0      dBi
 *   syncWord: 0x12      default 0x12 (private networks)
 * </pre>
 * Every problem names the file, the line and the key. Unknown keys in {@code Lora:} are warnings (meshtasticd
 * grows new ones); other top-level sections of a meshtasticd config are ignored. Two functions on one GPIO are an
 * error.
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
    private static final Set<String> OTHER_KNOWN_MODULES = Set.of("sx1280", "lr1110", "lr1120", "lr1121", "lr2021",
            "sim");
    /** Keys of SX126x boards (meshtasticd's and ours); on an SX127x board they are warned about and ignored. */
    private static final Set<String> SX126X_KEYS = Set.of("Busy", "TXen", "RXen", "DIO2_AS_RF_SWITCH",
            "DIO3_TCXO_VOLTAGE", "SX126X_ANT_SW", "SX126X_MAX_POWER", "Enable_Pins", "TX_GAIN_LORA", "paGain");
    /** meshtasticd keys that apply to neither family here and are ignored. */
    private static final Set<String> MESHTASTICD_OTHER_KEYS = Set.of("USE_GPIOCHIP", "spiSpeed", "SX128X_MAX_POWER",
            "RF95_MAX_POWER", "LR1110_MAX_POWER", "LR1120_MAX_POWER", "rfswitch_table", "ch341_quirk", "USB_PID",
            "USB_VID", "USB_Serialnum");
    private static final Pattern SPIDEV = Pattern.compile("(?:/dev/)?spidev(\\d)\\.(\\d)");
    private static final Pattern BAND = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*-\\s*(\\d+(?:\\.\\d+)?)\\s*");

    private final String source;
    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();
    private final Map<String, ScalarNode> lora = new LinkedHashMap<>();
    private final Map<String, SequenceNode> loraLists = new LinkedHashMap<>();
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
            } else if (key.equals("Enable_Pins") && t.getValueNode() instanceof SequenceNode list) {
                loraLists.put(key, list);
            } else if (!MESHTASTICD_OTHER_KEYS.contains(key)) {
                error(line(t.getKeyNode()), key, "must be a single value");
            }
        }
        return result(build(name));
    }

    private BoardConfig build(String name) {
        String module = text("Module").orElse(null);
        Optional<Sx126xChip> chip = Optional.empty();
        if (module == null) {
            error(loraLine, "Module", "missing (RF95 for SX1276/77/78/79 boards; sx1262, sx1268 or llcc68 for SX126x)");
        } else {
            String m = module.toLowerCase(Locale.ROOT);
            chip = Sx126xChip.parse(m);
            if (OTHER_KNOWN_MODULES.contains(m)) {
                error("Module", "module " + module + " is not supported; this gateway drives SX1276/77/78/79 "
                        + "(Module: RF95) and SX1262/SX1268/LLCC68 (sx1262, sx1268, llcc68)");
            } else if (!SX127X_MODULES.contains(m) && chip.isEmpty()) {
                error("Module", "unknown module '" + module + "' (expected RF95 for SX1276/77/78/79, or sx1262, "
                        + "sx1268, llcc68)");
            }
        }
        boolean sx126x = chip.isPresent();
        List<String> keys = new ArrayList<>(lora.keySet());
        keys.addAll(loraLists.keySet());
        for (String key : keys) {
            if (KNOWN_KEYS.contains(key) || (sx126x && SX126X_KEYS.contains(key))) continue;
            if (SX126X_KEYS.contains(key)) {
                warn(key, "does not apply to an SX127x radio; ignored");
            } else if (MESHTASTICD_OTHER_KEYS.contains(key)) {
                warn(key, "does not apply to this radio; ignored");
            } else {
                warn(key, "unknown key; ignored");
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
        if (irq.isEmpty() && !lora.containsKey("IRQ")) {
            error(loraLine, "IRQ", "missing (the GPIO wired to " + (sx126x ? "DIO1)" : "DIO0)"));
        }
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

        long chipLow = chip.map(Sx126xChip::minFrequencyHz).orElse(137_000_000L);
        long chipHigh = chip.map(Sx126xChip::maxFrequencyHz).orElse(1_020_000_000L);
        long bandLow = chipLow, bandHigh = chipHigh;
        Optional<String> band = text("band");
        if (band.isPresent()) {
            Matcher m = BAND.matcher(band.get());
            if (m.matches()) {
                bandLow = Math.round(Double.parseDouble(m.group(1)) * 1e6);
                bandHigh = Math.round(Double.parseDouble(m.group(2)) * 1e6);
                if (bandLow >= bandHigh || bandLow < chipLow || bandHigh > chipHigh) {
                    error("band", "must be a MHz range within " + chipLow / 1_000_000 + "-" + chipHigh / 1_000_000
                            + " (the " + chip.map(Enum::name).orElse("SX127x") + "'s), got " + band.get());
                }
            } else {
                error("band", "must be a MHz range like 862-1020, got '" + band.get() + "'");
            }
        }
        int maxPower = sx126x ? alias("maxPower", "SX126X_MAX_POWER", Sx126xChip.MIN_POWER_DBM,
                Sx126xChip.MAX_POWER_DBM).orElse(Sx126xChip.MAX_POWER_DBM) : integer("maxPower", 2, 20).orElse(20);
        int paGain = sx126x ? alias("paGain", "TX_GAIN_LORA", 0, 30).orElse(0) : 0;
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
        if (chip.isPresent()) {
            Optional<String> problem = chip.get().modulationProblem(preset.spreadingFactor(), preset.bandwidth());
            if (problem.isPresent()) {
                error(presetText.isPresent() ? "preset" : "Module", problem.get() + " (preset " + preset.key()
                        + " is SF" + preset.spreadingFactor() + " at " + preset.bandwidth() + ")");
            }
        }
        OptionalInt power = integer("power", -9, 30);
        int gains = antennaGain + paGain;

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
                } else if (power.isPresent() && power.getAsInt() + gains > sub.get().maxEirpDbm()) {
                    error("power", "power " + power.getAsInt() + " dBm" + (paGain != 0 ? " + " + paGain
                            + " dB PA" : "") + (antennaGain != 0 ? " + " + antennaGain + " dBi antenna" : "")
                            + " is above the limit of " + sub.get().name() + " (" + sub.get().maxEirpDbm()
                            + " dBm EIRP)");
                }
            }
        }
        if (power.isPresent() && power.getAsInt() > maxPower) {
            error("power", "power " + power.getAsInt() + " dBm is above the board's maxPower (" + maxPower + " dBm)");
        }
        if (!sx126x && power.isPresent() && power.getAsInt() < 2) {
            error("power", "PA_BOOST output starts at 2 dBm, got " + power.getAsInt());
        }
        Optional<Sx126xBoard> sx126xPart = chip.isPresent() ? sx126xPart(chip.get(), paGain) : Optional.empty();
        Map<Integer, String> pins = new LinkedHashMap<>();
        claim(pins, "CS", OptionalInt.of(csGpio));
        claim(pins, "IRQ", irq);
        claim(pins, "Reset", reset);
        sx126xPart.ifPresent(x -> {
            claim(pins, "Busy", OptionalInt.of(x.busyGpio()));
            claim(pins, "TXen", x.txEnableGpio());
            claim(pins, "RXen", x.rxEnableGpio());
            for (int g : x.enableGpios()) claim(pins, loraLists.containsKey("Enable_Pins") ? "Enable_Pins" : "SX126X_ANT_SW",
                    OptionalInt.of(g));
        });
        if (!errors.isEmpty() || irq.isEmpty() || (sx126x && sx126xPart.isEmpty())) return null;
        String display = name != null ? name : source;
        return new BoardConfig(source, display, module, spiBus, spiCs, csGpio, irq.getAsInt(), reset, gpiochip,
                softwareCs, bandLow, bandHigh, maxPower, region, frequency, preset, power, antennaGain, syncWord,
                sx126xPart);
    }

    /** The SX126x keys; empty (with errors) when one is wrong or Busy is missing. */
    private Optional<Sx126xBoard> sx126xPart(Sx126xChip chip, int paGain) {
        int before = errors.size();
        OptionalInt busy = gpio("Busy");
        if (busy.isEmpty() && !lora.containsKey("Busy")) {
            error(loraLine, "Busy", "missing (the GPIO wired to the " + chip + "'s BUSY line)");
        }
        OptionalInt txen = gpio("TXen");
        OptionalInt rxen = gpio("RXen");
        boolean dio2 = bool("DIO2_AS_RF_SWITCH");
        Optional<TcxoVoltage> tcxo = Optional.empty();
        Optional<String> t = text("DIO3_TCXO_VOLTAGE");
        if (t.isPresent()) {
            String v = t.get().trim().toLowerCase(Locale.ROOT);
            if (v.equals("true")) {
                tcxo = Optional.of(TcxoVoltage.V1_8); // meshtasticd: true = 1.8 V
            } else if (!v.equals("false")) {
                try {
                    tcxo = TcxoVoltage.ofVolts(Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    tcxo = Optional.empty();
                }
                if (tcxo.isEmpty()) {
                    error("DIO3_TCXO_VOLTAGE", "must be true (1.8 V), false, or one of 1.6, 1.7, 1.8, 2.2, 2.4, 2.7, "
                            + "3.0, 3.3 (volts), got '" + t.get() + "'");
                }
            }
        }
        List<Integer> enable = new ArrayList<>();
        SequenceNode list = loraLists.get("Enable_Pins");
        if (list != null) {
            for (Node n : list.getValue()) {
                String v = scalar(n);
                try {
                    int g = v == null ? -1 : Integer.decode(v.trim());
                    if (g < 0 || g > 27) throw new NumberFormatException();
                    enable.add(g);
                } catch (NumberFormatException e) {
                    errors.add(new Problem(source, line(n), "Enable_Pins", "each entry must be a GPIO 0..27, got '"
                            + v + "'"));
                }
            }
        }
        gpio("SX126X_ANT_SW").ifPresent(enable::add);
        if (!dio2 && txen.isEmpty() && rxen.isEmpty()) {
            warn("Module", "no RF switch control (DIO2_AS_RF_SWITCH, TXen or RXen): right only for a module without "
                    + "an antenna switch");
        }
        if (errors.size() > before || busy.isEmpty()) return Optional.empty();
        return Optional.of(new Sx126xBoard(chip, busy.getAsInt(), txen, rxen, dio2, tcxo, enable, paGain));
    }

    /** Two keys meaning the same (ours and meshtasticd's); both given with different values is an error. */
    private OptionalInt alias(String ours, String theirs, int min, int max) {
        OptionalInt a = integer(ours, min, max), b = integer(theirs, min, max);
        if (a.isPresent() && b.isPresent() && a.getAsInt() != b.getAsInt()) {
            error(theirs, "says " + b.getAsInt() + " but " + ours + " says " + a.getAsInt() + "; give one");
        }
        return a.isPresent() ? a : b;
    }

    private void claim(Map<Integer, String> pins, String key, OptionalInt gpio) {
        if (gpio.isEmpty()) return;
        String previous = pins.putIfAbsent(gpio.getAsInt(), key);
        if (previous != null) error(key, "GPIO" + gpio.getAsInt() + " is already the " + previous + " pin");
    }

    private boolean bool(String key) {
        Optional<String> t = text(key);
        if (t.isEmpty()) return false;
        String v = t.get().trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) return true;
        if (!v.equals("false")) error(key, "must be true or false, got '" + t.get() + "'");
        return false;
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
