package net.sovereignbridge.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sovereignbridge.app.cli.Json;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard in docs/grafana queries only metrics the gateway exports, and docs/ops.md names them all. */
class GrafanaDashboardTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
    /** Metric names in PromQL: ours, the JVM's and the process's (functions and labels never start so). */
    private static final Pattern METRIC = Pattern.compile("\\b((?:sbridge|jvm|process)_[a-zA-Z0-9_]+)");

    @Test
    void everyExpressionNamesAnExportedMetric() throws Exception {
        Set<String> exported = families(new MetricsCollector(new FakeGateway(), "0.1.0", new WebCounters()).scrape());
        Map<String, Object> dashboard = Json.parseObject(Files.readString(ROOT.resolve("docs/grafana/sbridge-gateway.json")));
        List<String> exprs = new ArrayList<>();
        collect(dashboard, exprs);
        assertTrue(exprs.size() >= 40, "expressions found: " + exprs.size());
        Set<String> used = new TreeSet<>();
        for (String e : exprs) {
            Matcher m = METRIC.matcher(e);
            boolean any = false;
            while (m.find()) {
                any = true;
                assertTrue(exported.contains(m.group(1)), "'" + e + "' names " + m.group(1) + ", which /metrics does not export");
                used.add(m.group(1));
            }
            assertTrue(any, "'" + e + "' names no metric of the gateway");
        }
        Set<String> unused = new TreeSet<>(exported);
        unused.removeAll(used);
        assertEquals(Set.of("sbridge_transport_info", "sbridge_transport_mtu_bytes"), unused,
                "exported metrics no panel shows (the info metric is read by label, the MTU is fixed)");
    }

    @Test
    void docsNameEveryExportedMetric() throws Exception {
        String ops = Files.readString(ROOT.resolve("docs/ops.md"));
        for (String family : families(new MetricsCollector(new FakeGateway(), "0.1.0", new WebCounters()).scrape())) {
            assertTrue(ops.contains("`" + family + "`"), "docs/ops.md does not describe " + family);
        }
        assertFalse(ops.isBlank());
    }

    /** The family names of a scrape, from its TYPE lines. */
    static Set<String> families(String text) {
        Set<String> out = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) out.add(line.split(" ")[2]);
        }
        return out;
    }

    /** Every "expr" of a panel's targets and every query of the template variables, wherever they nest. */
    private static void collect(Object node, List<String> out) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (("expr".equals(k) || "definition".equals(k)) && v instanceof String s) out.add(s);
                else collect(v, out);
            });
        } else if (node instanceof List<?> l) {
            for (Object o : l) collect(o, out);
        }
    }
}
