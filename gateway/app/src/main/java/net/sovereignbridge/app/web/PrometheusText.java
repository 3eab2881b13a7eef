package net.sovereignbridge.app.web;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format 0.0.4: one {@code # HELP} and one
 * {@code # TYPE} line per metric family, then its samples. Written by hand rather than with the Prometheus
 * client (docs/decisions.md): the gateway reads its figures from its own status when scraped, so it needs
 * no registry, only this format.
 */
public final class PrometheusText {
    /** Metric and label names the format accepts (no colons: those are for recording rules). */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    public enum Type { COUNTER, GAUGE }

    private final StringBuilder out = new StringBuilder(8192);
    private final Set<String> families = new LinkedHashSet<>();
    private String current;

    /** Starts a family; its samples follow. A name may be started once per scrape. */
    public PrometheusText family(String name, Type type, String help) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("not a metric name: '" + name + "'");
        if (type == Type.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter '" + name + "' must end in _total");
        }
        if (!families.add(name)) throw new IllegalArgumentException("metric family '" + name + "' written twice");
        current = name;
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type.name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        return this;
    }

    /**
     * One sample of the current family.
     *
     * @param labels name, value, name, value, ...
     */
    public PrometheusText sample(double value, String... labels) {
        if (current == null) throw new IllegalStateException("sample before family");
        if (labels.length % 2 != 0) throw new IllegalArgumentException("labels come in name, value pairs");
        out.append(current);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!NAME.matcher(labels[i]).matches() || labels[i].startsWith("__")) {
                    throw new IllegalArgumentException("not a label name: '" + labels[i] + "'");
                }
                if (i > 0) out.append(',');
                out.append(labels[i]).append("=\"").append(escapeLabel(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    /** The family names written so far, in order. */
    public Set<String> families() {
        return Set.copyOf(families);
    }

    public String text() {
        return out.toString();
    }

    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    /** Label values: backslash, double quote and line feed are escaped; anything else is kept. */
    static String escapeLabel(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
