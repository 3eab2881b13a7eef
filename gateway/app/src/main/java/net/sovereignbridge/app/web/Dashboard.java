package net.sovereignbridge.app.web;

import static net.sovereignbridge.app.web.MetricsCollector.list;
import static net.sovereignbridge.app.web.MetricsCollector.map;
import static net.sovereignbridge.app.web.MetricsCollector.num;
import static net.sovereignbridge.app.web.MetricsCollector.str;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only status pages, written as plain HTML with one inline style sheet: no script, no framework, no
 * asset from elsewhere (a field box has no internet). Each page reloads itself every few seconds, which is
 * all the live update a phone needs. Every value that came from the mesh (names, reasons) is escaped.
 */
final class Dashboard {
    /** Paths of the pages, in the order of the navigation bar. */
    static final List<String[]> PAGES = List.of(new String[] {"/", "Node"}, new String[] {"/transports", "Transports"},
            new String[] {"/neighbours", "Neighbours"}, new String[] {"/messages", "Messages"},
            new String[] {"/services", "Overlay, DHT, services"});
    static final int REFRESH_SECONDS = 5;
    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#111}"
            + "nav{background:#17324d;padding:.5em;display:flex;flex-wrap:wrap;gap:.3em}"
            + "nav a{color:#fff;text-decoration:none;padding:.35em .6em;border-radius:4px}nav a.on{background:#2f5d8a}"
            + "main{padding:.6em}h1{font-size:1.2em}h2{font-size:1.05em;margin-top:1.2em}"
            + ".wrap{overflow-x:auto}table{border-collapse:collapse;background:#fff;font-size:.9em}"
            + "td,th{border:1px solid #d5d9df;padding:.3em .5em;text-align:left;vertical-align:top}"
            + "th{background:#eef1f5}.ACTIVE,.delivered{color:#146c2e}.UNAVAILABLE,.FAILED,.failed,.expired{color:#a3111b}"
            + "code{word-break:break-all}footer{color:#666;font-size:.8em;padding:.6em}";

    private final GatewayView gateway;
    private final String version;

    Dashboard(GatewayView gateway, String version) {
        this.gateway = gateway;
        this.version = version;
    }

    /** The page at {@code path}, or null when there is none. */
    String page(String path) throws Exception {
        return switch (path) {
            case "/" -> node();
            case "/transports" -> transports();
            case "/neighbours" -> neighbours();
            case "/messages" -> messages();
            case "/services" -> services();
            default -> null;
        };
    }

    private String node() throws Exception {
        Map<String, Object> s = gateway.status();
        StringBuilder b = start("/", "Node " + str(s.get("name")));
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
        List<?> ts = list(s.get("transports"));
        long active = ts.stream().filter(t -> "ACTIVE".equals(((Map<?, ?>) t).get("state"))).count();
        long neighbours = list(s.get("peers")).stream().filter(p -> Boolean.TRUE.equals(((Map<?, ?>) p).get("neighbour"))).count();
        Map<?, ?> c = map(s.get("custody"));
        table(b, null, new String[][] {
                {"name", str(s.get("name")).isEmpty() ? "(none set: node.name)" : str(s.get("name"))},
                {"address", str(s.get("address"))}, {"did", str(s.get("did"))}, {"peer id", str(s.get("peerId"))},
                {"version", version}, {"uptime", duration(uptime)}, {"clock (UTC)", Instant.now().toString()},
                {"transports active", active + " of " + ts.size()},
                {"known nodes", Integer.toString(list(s.get("peers")).size())},
                {"neighbours", Long.toString(neighbours)}, {"routes", str(s.get("routes"))},
                {"inbox", str(s.get("inbox"))},
                {"custody", num(c.get("own"), 0) + " own of " + num(c.get("ownLimit"), 0) + ", " + num(c.get("relayed"), 0)
                        + " held for others of " + num(c.get("relayedLimit"), 0)}});
        return end(b);
    }

    private String transports() throws Exception {
        Map<String, Object> s = gateway.status();
        StringBuilder b = start("/transports", "Transports");
        b.append("<div class=wrap><table><tr><th>id</th><th>type</th><th>state</th><th>reason</th><th>frames in/out</th>"
                + "<th>bytes in/out</th><th>send failures</th><th>drops</th><th>neighbours</th><th>airtime last hour</th></tr>");
        for (Object o : list(s.get("transports"))) {
            Map<?, ?> t = (Map<?, ?>) o;
            String state = str(t.get("state"));
            b.append("<tr><td>").append(esc(str(t.get("id")))).append("</td><td>").append(esc(str(t.get("type"))))
                    .append("</td><td class=\"").append(esc(state)).append("\">").append(esc(state)).append("</td><td>")
                    .append(esc(str(t.get("reason")))).append("</td><td>").append(inOut(t, "framesIn", "framesOut"))
                    .append("</td><td>").append(inOut(t, "bytesIn", "bytesOut")).append("</td><td>")
                    .append(esc(str(t.get("sendFailures")))).append("</td><td>").append(drops(map(t.get("drops"))))
                    .append("</td><td>").append(esc(str(t.get("neighbours")))).append("</td><td>").append(airtime(t))
                    .append("</td></tr>");
        }
        b.append("</table></div>");
        return end(b);
    }

    private String neighbours() throws Exception {
        Map<String, Object> s = gateway.status();
        Map<String, String> names = new HashMap<>();
        for (Object o : list(s.get("peers"))) names.put(str(((Map<?, ?>) o).get("address")), str(((Map<?, ?>) o).get("name")));
        StringBuilder b = start("/neighbours", "Neighbours");
        b.append("<div class=wrap><table><tr><th>transport</th><th>endpoint</th><th>node</th><th>last heard</th>"
                + "<th>RSSI dBm</th><th>SNR dB</th><th>RTT ms</th><th>loss</th></tr>");
        Instant now = Instant.now();
        for (GatewayView.NeighbourView n : gateway.neighbours()) {
            String who = n.address().isEmpty() ? "" : names.getOrDefault(n.address(), "") + " " + n.address();
            b.append("<tr><td>").append(esc(n.transport())).append("</td><td><code>").append(esc(n.endpoint()))
                    .append("</code></td><td><code>").append(esc(who.strip())).append("</code></td><td>")
                    .append(duration(Math.max(0, Duration.between(n.lastHeard(), now).toSeconds()))).append(" ago</td><td>")
                    .append(measured(n.rssiDbm())).append("</td><td>").append(measured(n.snrDb())).append("</td><td>")
                    .append(n.rttMillis() < 0 ? "" : Long.toString(n.rttMillis())).append("</td><td>")
                    .append(String.format(java.util.Locale.ROOT, "%.0f %%", n.lossRatio() * 100)).append("</td></tr>");
        }
        b.append("</table></div><h2>Known nodes</h2><div class=wrap><table><tr><th>name</th><th>address</th>"
                + "<th>neighbour</th></tr>");
        for (Object o : list(s.get("peers"))) {
            Map<?, ?> p = (Map<?, ?>) o;
            b.append("<tr><td>").append(esc(str(p.get("name")))).append("</td><td><code>").append(esc(str(p.get("address"))))
                    .append("</code></td><td>").append(Boolean.TRUE.equals(p.get("neighbour")) ? "yes" : "no").append("</td></tr>");
        }
        b.append("</table></div>");
        return end(b);
    }

    private String messages() throws Exception {
        StringBuilder b = start("/messages", "Messages");
        b.append("<p>");
        gateway.ownMessagesByState().forEach((state, n) -> b.append(esc(state.toLowerCase(java.util.Locale.ROOT)))
                .append(' ').append(n).append(" &middot; "));
        b.append("</p><div class=wrap><table><tr><th>id</th><th>to</th><th>state</th><th>attempts</th><th>created</th>"
                + "<th>updated</th><th>expires</th></tr>");
        for (Map<String, Object> m : gateway.messages(100)) {
            String state = str(m.get("state"));
            b.append("<tr><td>").append(esc(str(m.get("messageId")))).append("</td><td><code>").append(esc(str(m.get("to"))))
                    .append("</code></td><td class=\"").append(esc(state)).append("\">").append(esc(state)).append("</td><td>")
                    .append(esc(str(m.get("attempts")))).append("</td><td>").append(esc(str(m.get("createdAt"))))
                    .append("</td><td>").append(esc(str(m.get("updatedAt")))).append("</td><td>")
                    .append(esc(str(m.get("expiresAt")))).append("</td></tr>");
        }
        b.append("</table></div>");
        return end(b);
    }

    private String services() throws Exception {
        Map<String, Object> s = gateway.status();
        StringBuilder b = start("/services", "Overlay, DHT, services");
        section(b, "Overlay", s.get("p2p"), "off (p2p.enabled: false) or unavailable: see Transports");
        section(b, "DHT", s.get("dht"), "off (dht.enabled: false)");
        section(b, "Topics", s.get("topics"), "");
        Map<?, ?> services = map(s.get("services"));
        if (services.isEmpty()) b.append("<h2>Local services</h2><p>none running</p>");
        services.forEach((name, v) -> section(b, str(name).toUpperCase(java.util.Locale.ROOT), v, ""));
        return end(b);
    }

    private static void section(StringBuilder b, String title, Object value, String whenAbsent) {
        b.append("<h2>").append(esc(title)).append("</h2>");
        if (!(value instanceof Map<?, ?> m)) {
            b.append("<p>").append(esc(whenAbsent)).append("</p>");
            return;
        }
        b.append("<div class=wrap><table>");
        m.forEach((k, v) -> {
            if ("ok".equals(k)) return;
            b.append("<tr><th>").append(esc(str(k))).append("</th><td>").append(esc(flat(v))).append("</td></tr>");
        });
        b.append("</table></div>");
    }

    private static String flat(Object v) {
        if (v instanceof List<?> l) return l.isEmpty() ? "(none)" : String.join(", ", l.stream().map(Dashboard::flat).toList());
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder();
            m.forEach((k, x) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(flat(x)));
            return b.toString();
        }
        return str(v);
    }

    private StringBuilder start(String path, String title) {
        StringBuilder b = new StringBuilder(8192);
        b.append("<!doctype html><html lang=en><head><meta charset=utf-8>")
                .append("<meta name=viewport content=\"width=device-width,initial-scale=1\">")
                .append("<meta http-equiv=refresh content=").append(REFRESH_SECONDS).append(">")
                .append("<title>").append(esc(title)).append(" - sbridge</title><style>").append(STYLE).append("</style></head><body><nav>");
        for (String[] p : PAGES) {
            b.append("<a href=\"").append(p[0]).append('"').append(p[0].equals(path) ? " class=on" : "").append('>')
                    .append(p[1]).append("</a>");
        }
        b.append("<a href=\"/metrics\">Metrics</a></nav><main><h1>").append(esc(title)).append("</h1>");
        return b;
    }

    private String end(StringBuilder b) {
        b.append("</main><footer>sbridge ").append(esc(version)).append(" &middot; ").append(Instant.now())
                .append(" &middot; reloads every ").append(REFRESH_SECONDS).append(" s</footer></body></html>");
        return b.toString();
    }

    private static void table(StringBuilder b, String title, String[][] rows) {
        if (title != null) b.append("<h2>").append(esc(title)).append("</h2>");
        b.append("<div class=wrap><table>");
        for (String[] r : rows) b.append("<tr><th>").append(esc(r[0])).append("</th><td>").append(esc(r[1])).append("</td></tr>");
        b.append("</table></div>");
    }

    private static String inOut(Map<?, ?> t, String in, String out) {
        return t.containsKey(in) ? esc(str(t.get(in))) + " / " + esc(str(t.get(out))) : "";
    }

    private static String drops(Map<?, ?> drops) {
        if (drops.isEmpty()) return "0";
        StringBuilder b = new StringBuilder();
        drops.forEach((k, v) -> b.append(esc(str(k).toLowerCase(java.util.Locale.ROOT))).append(' ').append(esc(str(v))).append("<br>"));
        return b.toString();
    }

    private static String airtime(Map<?, ?> t) {
        if (!t.containsKey("airtimeLastHourMs")) return "";
        double used = num(t.get("airtimeLastHourMs"), 0) / 1000.0;
        double budget = num(t.get("budgetMs"), -1) / 1000.0;
        return budget <= 0 ? String.format(java.util.Locale.ROOT, "%.1f s (no limit)", used)
                : String.format(java.util.Locale.ROOT, "%.1f s of %.0f s (%.0f %%)", used, budget, 100 * used / budget);
    }

    private static String measured(double v) {
        return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    static String duration(long seconds) {
        if (seconds < 120) return seconds + " s";
        if (seconds < 7200) return seconds / 60 + " min";
        if (seconds < 172_800) return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }

    /** HTML text and attribute escaping: what a peer named itself must not become markup. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
