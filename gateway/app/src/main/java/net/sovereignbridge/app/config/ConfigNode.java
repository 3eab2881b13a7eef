package net.sovereignbridge.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML mapping read key by key with types and ranges checked, so every error names file, line and the
 * dotted key. Keys nobody asked for are reported by {@link #rejectUnknownKeys()}: a typo must not be
 * silently ignored on a box that sits on a roof.
 */
public final class ConfigNode {
    private final String source;
    private final String path;
    private final MappingNode node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> read = new LinkedHashSet<>();
    private final List<ConfigNode> children = new ArrayList<>();

    private ConfigNode(String source, String path, MappingNode node) throws ConfigException {
        this.source = source;
        this.path = path;
        this.node = node;
        if (node == null) return;
        for (NodeTuple t : node.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw new ConfigException(where(t.getKeyNode()) + qualified("?") + ": keys must be plain names");
            }
            if (entries.put(k.getValue(), t) != null) {
                throw new ConfigException(where(k) + qualified(k.getValue()) + ": duplicate key");
            }
        }
    }

    /** An empty configuration (embedded defaults). */
    public static ConfigNode empty() {
        try {
            return new ConfigNode("(defaults)", "", null);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The largest configuration file we read, in bytes, comments included. A real file is a few KB; the
     * limit is checked on the file before any parsing so a huge file (or a huge quoted scalar, which the
     * YAML scanner handles in more than linear time) is refused at once instead of burning CPU and heap.
     */
    public static final int MAX_FILE_BYTES = 1 << 20;

    /**
     * The longest line we parse, in bytes. The YAML scanner's cost grows with the square of a line's length
     * (a 1 MiB one-line scalar takes about 0.3 s warm and over a second cold); real lines are under 200
     * bytes, and a long value can still be written over several lines.
     */
    public static final int MAX_LINE_BYTES = 16 * 1024;

    public static ConfigNode load(Path file) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
                throw tooLarge(file, Files.size(file));
            }
            // Read at most one byte past the limit: the file may be a pipe or may grow while we read it.
            try (java.io.InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read configuration: " + describe(e));
        }
        if (bytes.length > MAX_FILE_BYTES) throw tooLarge(file, -1);
        rejectLongLines(file.toString(), bytes);
        return parse(file.toString(), decodeUtf8(file.toString(), bytes));
    }

    private static ConfigException tooLarge(Path file, long size) {
        return new ConfigException(file + ": configuration file is " + (size < 0 ? "more than " + MAX_FILE_BYTES : size)
                + " bytes; at most " + MAX_FILE_BYTES + " bytes (1 MiB, comments included) are accepted");
    }

    private static void rejectLongLines(String source, byte[] bytes) throws ConfigException {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (i - start > MAX_LINE_BYTES) {
                    throw new ConfigException(source + ":" + line + ": line is " + (i - start) + " bytes long; lines"
                            + " may be at most " + MAX_LINE_BYTES + " bytes (split a long value over several lines)");
                }
                line++;
                start = i + 1;
            }
        }
    }

    /** Strict UTF-8: a binary or Latin-1 file is named with the offset of its first bad byte. */
    static String decodeUtf8(String source, byte[] bytes) throws ConfigException {
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) r = decoder.flush(out);
        if (r.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) if (bytes[i] == '\n') line++;
            throw new ConfigException(String.format("%s:%d: not UTF-8 text: byte 0x%02x at offset %d is not valid UTF-8"
                    + " (is this a binary file?)", source, line, bytes[offset] & 0xff, offset));
        }
        return out.flip().toString();
    }

    /** An I/O error's reason in words: the exception type for the common file-system failures. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    public static ConfigNode parse(String source, String text) throws ConfigException {
        LoaderOptions lo = new LoaderOptions();
        lo.setAllowDuplicateKeys(true); // we report duplicates ourselves, with the key's name
        lo.setMaxAliasesForCollections(10);
        lo.setCodePointLimit(1 << 20);
        Node root;
        try (Reader r = new java.io.StringReader(text)) {
            root = new Yaml(lo).compose(r);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(source + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (YAMLException | IOException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage());
        }
        if (root == null) return new ConfigNode(source, "", null);
        if (!(root instanceof MappingNode m)) {
            throw new ConfigException(source + ":" + (root.getStartMark().getLine() + 1)
                    + ": the configuration must be a mapping of keys to values");
        }
        return new ConfigNode(source, "", m);
    }

    public String source() {
        return source;
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** A nested mapping; an absent key gives an empty section (all defaults). */
    public ConfigNode section(String key) throws ConfigException {
        read.add(key);
        NodeTuple t = entries.get(key);
        MappingNode m = null;
        if (t != null && !isNull(t.getValueNode())) {
            if (!(t.getValueNode() instanceof MappingNode mm)) {
                throw error(t, "expected a mapping of keys to values");
            }
            m = mm;
        }
        ConfigNode child = new ConfigNode(source, qualified(key), m);
        children.add(child);
        return child;
    }

    /**
     * A list of mappings, each read like a section; its keys are named {@code key[i].name} in errors. An absent
     * key gives an empty list.
     */
    public List<ConfigNode> sections(String key) throws ConfigException {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) return List.of();
        if (!(t.getValueNode() instanceof SequenceNode seq)) throw error(t, "expected a list of mappings");
        List<ConfigNode> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            String itemPath = qualified(key) + "[" + out.size() + "]";
            if (!(item instanceof MappingNode m)) {
                throw new ConfigException(where(item) + itemPath + ": expected a mapping of keys to values");
            }
            ConfigNode child = new ConfigNode(source, itemPath, m);
            children.add(child);
            out.add(child);
        }
        return out;
    }

    /** The dotted path of this section ("lora", "transports[1]"); empty for the root. */
    public String path() {
        return path;
    }

    public String string(String key, String def) throws ConfigException {
        ScalarNode s = scalar(key);
        return s == null ? def : s.getValue();
    }

    public boolean bool(String key, boolean def) throws ConfigException {
        ScalarNode s = scalar(key);
        if (s == null) return def;
        return switch (s.getValue().toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(entries.get(key), "expected true or false, got '" + s.getValue() + "'");
        };
    }

    public long integer(String key, long def, long min, long max) throws ConfigException {
        ScalarNode s = scalar(key);
        if (s == null) return def;
        long v;
        try {
            v = Long.parseLong(s.getValue().trim());
        } catch (NumberFormatException e) {
            throw error(entries.get(key), "expected an integer, got '" + s.getValue() + "'");
        }
        if (v < min || v > max) throw error(entries.get(key), v + " is out of range " + min + ".." + max);
        return v;
    }

    public double decimal(String key, double def, double min, double max) throws ConfigException {
        ScalarNode s = scalar(key);
        if (s == null) return def;
        double v;
        try {
            v = Double.parseDouble(s.getValue().trim());
        } catch (NumberFormatException e) {
            throw error(entries.get(key), "expected a number, got '" + s.getValue() + "'");
        }
        if (!(v >= min && v <= max)) throw error(entries.get(key), v + " is out of range " + min + ".." + max);
        return v;
    }

    /** One of {@code allowed}, case-insensitive, returned in lower case. */
    public String choice(String key, String def, String... allowed) throws ConfigException {
        String v = string(key, def);
        if (v == null) return null;
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v)) return a;
        }
        throw error(entries.get(key), "'" + v + "' is not one of " + String.join(", ", allowed));
    }

    public List<String> strings(String key, List<String> def) throws ConfigException {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) return def;
        if (!(t.getValueNode() instanceof SequenceNode seq)) throw error(t, "expected a list");
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof ScalarNode s)) {
                throw new ConfigException(where(item) + qualified(key) + ": list items must be plain values");
            }
            out.add(s.getValue());
        }
        return out;
    }

    /** Builds an error for {@code key} at its line, for checks made by the caller. */
    public ConfigException invalid(String key, String problem) {
        NodeTuple t = entries.get(key);
        return t == null ? new ConfigException(source + ": " + qualified(key) + ": " + problem) : error(t, problem);
    }

    /** Fails on the first key (depth first) that no reader asked for. */
    public void rejectUnknownKeys() throws ConfigException {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!read.contains(e.getKey())) throw error(e.getValue(), "unknown key");
        }
        for (ConfigNode c : children) c.rejectUnknownKeys();
    }

    private ScalarNode scalar(String key) throws ConfigException {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) return null;
        if (!(t.getValueNode() instanceof ScalarNode s)) throw error(t, "expected a single value");
        return s;
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && "tag:yaml.org,2002:null".equals(s.getTag().getValue());
    }

    private ConfigException error(NodeTuple t, String problem) {
        String key = ((ScalarNode) t.getKeyNode()).getValue();
        return new ConfigException(where(t.getKeyNode()) + qualified(key) + ": " + problem);
    }

    private String where(Node n) {
        return source + ":" + (n.getStartMark().getLine() + 1) + ": ";
    }

    private String qualified(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
