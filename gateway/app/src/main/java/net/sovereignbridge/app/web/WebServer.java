package net.sovereignbridge.app.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.mesh.log.RateLimitedLog;

/**
 * The dashboard and {@code /metrics} on the JDK's own HTTP server (docs/decisions.md): GET and HEAD only,
 * nothing served from the file system, a token on every request when bound beyond loopback, and the JDK
 * server's limits set for a box a stranger can reach: headers (count and size), the time to send a request
 * (slow senders are cut off), connections at once. Threads are made per connection as needed and die when
 * idle, so an idle dashboard costs only the server's dispatcher thread.
 */
public final class WebServer implements AutoCloseable {
    private static final RateLimitedLog log = RateLimitedLog.of(WebServer.class);
    static final int MAX_PATH = 1024;
    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final WebSettings settings;
    private final WebToken token;
    private final MetricsCollector metrics;
    private final Dashboard dashboard;
    private final GatewayView gateway;
    private final WebCounters counters;

    private WebServer(HttpServer server, ThreadPoolExecutor executor, WebSettings settings, WebToken token,
            GatewayView gateway, String version, WebCounters counters) {
        this.server = server;
        this.executor = executor;
        this.settings = settings;
        this.token = token;
        this.gateway = gateway;
        this.counters = counters;
        this.metrics = new MetricsCollector(gateway, version, counters);
        this.dashboard = new Dashboard(gateway, version);
    }

    /**
     * Listens on {@code settings.bind():settings.port()}; beyond loopback the token is read (or made) in
     * {@code stateDir} first.
     *
     * @throws java.net.BindException the address cannot be listened on (port taken, address not ours)
     * @throws IOException the token file is unsafe or cannot be made
     */
    public static WebServer start(WebSettings settings, Path stateDir, GatewayView gateway, String version)
            throws IOException {
        WebToken token = settings.loopbackOnly() ? null : WebToken.loadOrCreate(stateDir);
        limits(settings);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(settings.bind()), settings.port()),
                    settings.maxConnections());
        } catch (IOException e) {
            java.net.BindException b = new java.net.BindException("cannot listen on " + settings.bind() + ":"
                    + settings.port() + ": " + e.getMessage() + " (port taken by another program? set web.port)");
            b.initCause(e);
            throw b;
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(settings.maxConnections(), settings.maxConnections(), 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "web-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        WebServer web = new WebServer(server, executor, settings, token, gateway, version, new WebCounters());
        server.createContext("/", web::handle);
        server.start();
        return web;
    }

    /**
     * The JDK server reads its limits once, from system properties, when the first server is made; an operator's
     * own {@code -D} wins. The two request and response times are read in seconds by Java 17's server
     * ({@code ServerImpl.getTimeMillis} multiplies them by 1000), whatever later javadoc says.
     */
    private static void limits(WebSettings s) {
        System.setProperty("jdk.httpserver.maxConnections", System.getProperty("jdk.httpserver.maxConnections",
                Integer.toString(s.maxConnections())));
        defaultProperty("sun.net.httpserver.maxReqHeaders", Integer.toString(MAX_HEADERS));
        defaultProperty("sun.net.httpserver.maxReqHeaderSize", Integer.toString(MAX_HEADER_BYTES));
        defaultProperty("sun.net.httpserver.maxReqTime", Integer.toString(s.requestSeconds()));
        defaultProperty("sun.net.httpserver.maxRspTime", "30");
        defaultProperty("sun.net.httpserver.idleInterval", "30");
        defaultProperty("sun.net.httpserver.maxIdleConnections", Integer.toString(s.maxConnections()));
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }

    /** The address actually bound (tests bind port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** For the start-up banner: where to point a browser, and whether it needs the token. */
    public String endpoint() {
        // the configured address: a wildcard reads back as the IPv6 one on a dual-stack socket
        String host = settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind();
        return "web http://" + host + ":" + address().getPort() + "/"
                + (token == null ? " (loopback, no token)" : " (token in " + WebToken.FILE + ")");
    }

    public WebCounters counters() {
        return counters;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain", "405 only GET and HEAD: the dashboard is read-only\n");
                return;
            }
            if (path == null || path.length() > MAX_PATH) {
                send(ex, 414, "text/plain", "414 the path is longer than " + MAX_PATH + " bytes\n");
                return;
            }
            if (token == null && !loopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
                // a page on the internet that points a name of its own at 127.0.0.1 (DNS rebinding) is not us
                send(ex, 421, "text/plain", "421 on loopback this server answers to localhost, 127.0.0.1 and [::1] only\n");
                return;
            }
            if (token != null && !authorised(ex.getRequestHeaders().getFirst("Authorization"))) {
                counters.unauthorizedRequest();
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"sbridge\", charset=\"UTF-8\"");
                send(ex, 401, "text/plain", "401 this gateway's dashboard needs its token: the password in "
                        + WebToken.FILE + " in the state directory (any user name), or Authorization: Bearer TOKEN\n");
                return;
            }
            switch (path) {
                case "/metrics" -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
                case "/api/status" -> send(ex, 200, "application/json", Json.write(gateway.status()) + "\n");
                default -> {
                    String page = dashboard.page(path);
                    if (page == null) {
                        send(ex, 404, "text/plain", "404 no page here; the pages are / /transports /neighbours /messages"
                                + " /services /metrics /api/status\n");
                    } else {
                        send(ex, 200, "text/html; charset=utf-8", page);
                    }
                }
            }
        } catch (Exception e) {
            log.warn("web", "web request failed: {}", e.toString());
            try {
                send(ex, 500, "text/plain", "500 " + e.getMessage() + "\n");
            } catch (IOException | RuntimeException ignored) {
                // the response had already begun, or the client left
            }
        }
    }

    private boolean authorised(String header) {
        if (header == null) return false;
        int space = header.indexOf(' ');
        if (space < 0) return false;
        String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
        String value = header.substring(space + 1).trim();
        if (scheme.equals("bearer")) return token.matches(value);
        if (!scheme.equals("basic")) return false;
        try {
            String pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon >= 0 && token.matches(pair.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean loopbackHost(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(0, end + 1).equals("[::1]") && port(h.substring(end + 1));
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        return (name.equals("localhost") || name.equals("127.0.0.1")) && port(colon < 0 ? "" : h.substring(colon));
    }

    private static boolean port(String rest) {
        return rest.isEmpty() || rest.matches(":[0-9]{1,5}");
    }

    private void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'");
        counters.answered(code);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
