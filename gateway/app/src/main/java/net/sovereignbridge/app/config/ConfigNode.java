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

    public static ConfigNode load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read configuration: " + e.getMessage());
        }
        return parse(file.toString(), text);
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
