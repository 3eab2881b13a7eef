package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sovereignbridge.app.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and {@code /metrics} of real daemons, asked with curl as an operator or Prometheus would, the
 * scrape checked by Prometheus's own {@code promtool check metrics}, and hostile clients turned away while
 * the daemon serves on.
 */
class WebDaemonTest {
    private static final Pattern WEB = Pattern.compile("endpoint web http://([0-9.]+):([0-9]+)/");

    @TempDir
    Path dir;

    @Test
    void metricsPassPromtoolAndMoveWhenAMessageTravels() throws Exception {
        int discovery = Daemon.freeUdpPort();
        try (Daemon a = Daemon.start(dir.resolve("a"), Daemon.freeUdpPort(), config("alpha", discovery, ""));
                Daemon b = Daemon.start(dir.resolve("b"), Daemon.freeUdpPort(), config("bravo", discovery, ""))) {
            String webA = url(a);
            String addressB = b.address();
            Daemon.await("A to learn B from its announce", 45, () -> Daemon.knowsPeer(addressB).test(a.status()));

            String before = promtoolChecked(webA + "metrics");
            assertTrue(before.contains("sbridge_info{address=\"" + a.address() + "\",name=\"alpha\",version=\"0.1.0\"} 1"),
                    before);
            assertEquals(1, value(before, "sbridge_transport_state{transport=\"lan\",state=\"active\"}"));
            assertEquals(0, value(before, "sbridge_messages{state=\"delivered\"}"));
            assertTrue(value(before, "sbridge_peers_known") >= 1, before);
            assertTrue(value(before, "process_resident_memory_bytes") > 10e6, before);
            assertTrue(value(before, "jvm_threads_current") > 5, before);
            double framesOut = value(before, "sbridge_transport_frames_total{transport=\"lan\",direction=\"out\"}");
            double bytesOut = value(before, "sbridge_transport_bytes_total{transport=\"lan\",direction=\"out\"}");

            Daemon.Result sent = a.cliHere("send", "--json", addressB, "hello through the metrics");
            assertEquals(ExitCodes.OK, sent.exit(), sent.toString());
            long id = ((Number) sent.json().get("messageId")).longValue();
            Daemon.await("A's message to be delivered", 45, () -> a.cliHere("messages", "--json").out().contains("delivered"));

            String after = promtoolChecked(webA + "metrics");
            assertEquals(1, value(after, "sbridge_messages{state=\"delivered\"}"), after);
            assertTrue(value(after, "sbridge_transport_frames_total{transport=\"lan\",direction=\"out\"}") > framesOut, after);
            assertTrue(value(after, "sbridge_transport_bytes_total{transport=\"lan\",direction=\"out\"}") > bytesOut, after);
            assertTrue(value(after, "sbridge_web_requests_total{code=\"2xx\"}") >= 1, after);
            String metricsB = promtoolChecked(url(b) + "metrics");
            assertTrue(value(metricsB, "sbridge_inbox_messages") >= 1, metricsB);

            // the same figures on the pages a phone shows
            Http messages = Http.get(webA + "messages");
            assertEquals(200, messages.code);
            assertTrue(messages.body.contains(">" + id + "<") && messages.body.contains(addressB), messages.body);
            assertTrue(messages.body.contains("delivered 1"), messages.body);
            Http node = Http.get(webA);
            assertTrue(node.body.contains(a.address()) && node.body.contains("alpha"), node.body);
            Http transports = Http.get(webA + "transports");
            assertTrue(transports.body.contains("<td>lan</td>") && transports.body.contains(">ACTIVE<"), transports.body);
            Http neighbours = Http.get(webA + "neighbours");
            assertTrue(neighbours.body.contains(addressB) && neighbours.body.contains("bravo"), neighbours.body);
            Http services = Http.get(webA + "services");
            assertTrue(services.body.contains("<h2>Overlay</h2>") && services.body.contains("reachability"), services.body);
        }
    }

    @Test
    void hostileRequestsAreTurnedAwayAndTheDaemonServesOn() throws Exception {
        try (Daemon a = Daemon.start(dir.resolve("a"), Daemon.freeUdpPort(),
                config("alpha", Daemon.freeUdpPort(), "  request-seconds: 2\n"))) {
            String web = url(a);
            assertEquals(405, Http.curl("-X", "POST", "--data", "x", web + "metrics").code);
            assertEquals(405, Http.curl("-X", "DELETE", web).code);
            // DNS rebinding: a foreign name pointed at 127.0.0.1 must not read the unauthenticated loopback pages
            assertEquals(421, Http.curl("-H", "Host: attacker.example", web).code);
            for (String path : List.of("../../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "..%2f..%2fetc%2fpasswd",
                    "metrics/../../etc/passwd", "/etc/passwd")) {
                Http h = Http.curl("--path-as-is", web + path);
                assertEquals(404, h.code, path);
                assertFalse(h.body.contains("root:"), path);
            }
            assertEquals(414, Http.get(web + "a".repeat(5000)).code);
            Http huge = Http.curl("-H", "X-Huge: " + "a".repeat(100_000), web);
            assertNotEquals(200, huge.code, "a 100 kB header must not be served");
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                many.add("-H");
                many.add("X-Header-" + i + ": v");
            }
            many.add(web);
            assertNotEquals(200, Http.curl(many.toArray(new String[0])).code, "200 headers must not be served");

            // slowloris: connections that never finish their request are cut off, not held open
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port(a)));
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    s.setSoTimeout(60_000);
                    slow.add(s);
                }
                for (Socket s : slow) {
                    InputStream in = s.getInputStream();
                    assertEquals(-1, in.read(), "the server must close a request that never ends");
                }
            } finally {
                for (Socket s : slow) s.close();
            }
            assertTrue(a.alive(), a.output());
            String metrics = promtoolChecked(web + "metrics");
            assertTrue(value(metrics, "sbridge_web_requests_total{code=\"4xx\"}") >= 9, metrics);
            assertEquals(200, Http.get(web + "api/status").code);
        }
    }

    @Test
    void beyondLoopbackEveryRequestNeedsTheToken() throws Exception {
        try (Daemon a = Daemon.start(dir.resolve("a"), Daemon.freeUdpPort(),
                config("alpha", Daemon.freeUdpPort(), "  bind: 0.0.0.0\n"))) {
            a.awaitOutput("endpoint web ", 30);
            Matcher m = WEB.matcher(a.output());
            assertTrue(m.find(), a.output());
            assertEquals("0.0.0.0", m.group(1));
            String web = "http://127.0.0.1:" + m.group(2) + "/";
            Path tokenFile = a.stateDir.resolve("web-token");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String token = Files.readString(tokenFile).strip();
            assertTrue(token.length() >= 40, token);
            assertFalse(a.output().contains(token), "the token must never be printed or logged");

            Http none = Http.curl("-i", web + "metrics");
            assertEquals(401, none.code);
            assertTrue(none.body.toLowerCase(java.util.Locale.ROOT).contains("www-authenticate: basic realm=\"sbridge\""), none.body);
            assertFalse(none.body.contains("sbridge_info"), none.body);
            assertEquals(401, Http.curl("-H", "Authorization: Bearer " + token.substring(1) + "x", web).code);
            assertEquals(401, Http.curl("-u", "admin:admin", web + "transports").code);
            assertEquals(401, Http.curl("-H", "Authorization: Basic !!!", web).code);

            Http bearer = Http.curl("-H", "Authorization: Bearer " + token, web + "metrics");
            assertEquals(200, bearer.code);
            assertEquals(4, value(bearer.body, "sbridge_web_unauthorized_total"), bearer.body);
            Http basic = Http.curl("-u", "phone:" + token, web + "transports");
            assertEquals(200, basic.code);
            assertTrue(basic.body.contains("<td>lan</td>"), basic.body);
        }
    }

    /** A loopback daemon config (Daemon.loopbackConfig) with no MQTT, CoAP on free ports and the web server on port 0. */
    private Path config(String name, int discovery, String webExtra) throws Exception {
        Path file = Daemon.loopbackConfig(dir, name, discovery, true);
        Files.writeString(file, Files.readString(file) + "mqtt:\n  enabled: false\ncoap:\n  port: 0\n  dtls:\n    port: 0\n"
                + "web:\n  port: 0\n" + webExtra);
        return file;
    }

    private static String url(Daemon d) throws Exception {
        return "http://127.0.0.1:" + port(d) + "/";
    }

    private static int port(Daemon d) throws Exception {
        d.awaitOutput("endpoint web ", 30); // the banner's endpoint lines follow the "running" line Daemon.start waits for
        Matcher m = WEB.matcher(d.output());
        if (!m.find()) throw new AssertionError("no web endpoint in the banner:\n" + d.output());
        return Integer.parseInt(m.group(2));
    }

    /** Scrapes with curl and feeds the text to promtool check metrics, which must find nothing to say. */
    private static String promtoolChecked(String url) throws Exception {
        Http h = Http.get(url);
        assertEquals(200, h.code, h.body);
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = promtool.getOutputStream()) {
            in.write(h.body.getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, promtool.exitValue(), "promtool check metrics: " + said);
        assertEquals("", said.trim(), "promtool found problems: " + said);
        return h.body;
    }

    /** The value of one sample, named with its labels exactly as written. */
    static double value(String text, String sample) {
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " ")) return Double.parseDouble(line.substring(sample.length() + 1));
        }
        throw new AssertionError("no sample " + sample + " in:\n" + text);
    }

    /** One curl call: the status code, and the body (with the headers under -i). */
    record Http(int code, String body) {
        static Http get(String url) throws Exception {
            return curl(url);
        }

        static Http curl(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "60", "-w", "\n%{http_code}"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "curl did not finish");
            int nl = out.lastIndexOf('\n');
            return new Http(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, Math.max(nl, 0)));
        }
    }
}
