package net.sovereignbridge.app.services;

import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import net.sovereignbridge.app.Gateway;

/**
 * Real foreign clients for the service tests: libcoap's coap-client, Mosquitto with mosquitto_pub and
 * mosquitto_sub. A missing tool fails the test with the package to install (.ci/run installs them).
 */
public final class LocalTools {
    private LocalTools() {}

    public static String require(String tool, String debianPackage) {
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        throw new AssertionError(tool + " is not installed: apt-get install " + debianPackage + " (see .ci/run)");
    }

    public static String coapClient() {
        return require("coap-client-openssl", "libcoap3-bin");
    }

    /** Runs coap-client with these arguments (block-wise timeout 10 s), at most 20 s. */
    public static Result coapRequest(String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = coapClient();
        cmd[1] = "-B";
        cmd[2] = "10";
        System.arraycopy(args, 0, cmd, 3, args.length);
        return run(20, null, cmd);
    }

    /** Services of a gateway for the CoAP tests: plain CoAP on a free loopback port, no MQTT. */
    public static final String COAP_ON_LOOPBACK = "coap:\n  port: 0\n  bind: [127.0.0.1]\n  ingress-burst: 50\n"
            + "mqtt:\n  enabled: false\n";

    /** The uid the "other local user" of the access tests runs as (Debian's nobody). */
    public static final int STRANGER_UID = 65534;

    /**
     * {@code cmd} run as another Unix user (nobody), as a stranger on the same host would: setpriv drops uid,
     * gid and supplementary groups (the tests run as root).
     */
    public static String[] asStranger(String... cmd) {
        String[] out = new String[cmd.length + 4];
        out[0] = require("setpriv", "util-linux");
        out[1] = "--reuid=" + STRANGER_UID;
        out[2] = "--regid=" + STRANGER_UID;
        out[3] = "--clear-groups";
        System.arraycopy(cmd, 0, out, 4, cmd.length);
        return out;
    }

    /**
     * Starts the hostile CoAP client {@code CoapFlood.java} (test resource; JDK only) as the stranger:
     * {@code count} requests from as many source ports, all sent before any answer is read. It prints one line,
     * {@code sent N answered M codes {...}}, then holds the sockets open {@code holdSeconds}.
     */
    public static Background coapFlood(int coapPort, String path, int count, String type, String method,
            String mode, int holdSeconds) throws Exception {
        Path source = floodTool();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new Background(asStranger(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", source.toString(), "127.0.0.1",
                Integer.toString(coapPort), path, Integer.toString(count), type, method, mode,
                Integer.toString(holdSeconds)));
    }

    private static Path floodTool;

    /** CoapFlood.java in a directory of its own that the stranger may read (removed when the JVM exits). */
    private static synchronized Path floodTool() throws IOException {
        if (floodTool != null) return floodTool;
        Path dir = Files.createTempDirectory("services-flood",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        Path source = dir.resolve("CoapFlood.java");
        try (var in = LocalTools.class.getResourceAsStream("/coap-flood/CoapFlood.java")) {
            Files.copy(in, source);
        }
        source.toFile().setReadable(true, false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            source.toFile().delete();
            dir.toFile().delete();
        }));
        floodTool = source;
        return source;
    }

    /** The coap:// URI of {@code path} on a gateway's plain CoAP port on loopback. */
    public static String coapUri(Gateway g, String path) {
        return "coap://127.0.0.1:" + g.services().coap().port("coap") + path;
    }

    /**
     * Waits until two gateways that name each other as LAN peers have learnt each other, and until both of
     * their MQTT bridges are connected: the starting point of the two-gateway service tests.
     */
    public static void awaitLanPairWithMqtt(Gateway alpha, Gateway bravo) throws InterruptedException {
        awaitLanPair(alpha, bravo);
        await("both MQTT bridges to connect", 20,
                () -> alpha.services().mqtt().connected() && bravo.services().mqtt().connected());
    }

    /**
     * Two gateways on loopback (alpha, bravo) that name each other as LAN peers, without discovery and without
     * the overlay, each with its own services sections (YAML for {@code coap:} / {@code mqtt:}); started and
     * waited for until each knows the other's key. Closing stops both and deletes the directory.
     */
    public static final class LanPair implements AutoCloseable {
        public final Path dir;
        public final Gateway alpha;
        public final Gateway bravo;

        private LanPair(Path dir, Gateway alpha, Gateway bravo) {
            this.dir = dir;
            this.alpha = alpha;
            this.bravo = bravo;
        }

        public static LanPair start(String dirPrefix, String alphaServices, String bravoServices) throws Exception {
            Path dir = Files.createTempDirectory(dirPrefix);
            int lanA = freeUdpPort();
            int lanB = freeUdpPort();
            Gateway alpha = Gateway.start(config(dir, "alpha", lanA, lanB, alphaServices));
            Gateway bravo = Gateway.start(config(dir, "bravo", lanB, lanA, bravoServices));
            LanPair pair = new LanPair(dir, alpha, bravo);
            awaitLanPair(alpha, bravo);
            return pair;
        }

        private static net.sovereignbridge.app.config.GatewayConfig config(Path dir, String name, int lanPort,
                int peerPort, String services) throws Exception {
            Path file = dir.resolve(name + ".yaml");
            Files.writeString(file, "node:\n  name: " + name + "\n"
                    + "lan:\n  bind: 127.0.0.1\n  port: " + lanPort + "\n  discovery: false\n  interfaces: [lo]\n"
                    + "  peers: [\"127.0.0.1:" + peerPort + "\"]\np2p:\n  enabled: false\n" + services);
            return net.sovereignbridge.app.config.GatewayConfig.load(file, dir.resolve(name), null);
        }

        @Override
        public void close() throws Exception {
            alpha.close();
            bravo.close();
            deleteTree(dir);
        }
    }

    /** Messages in a gateway's inbox (at most 100 000). */
    public static int inboxSize(Gateway g) {
        try {
            return g.node().inbox().list(0, 100_000).size();
        } catch (java.sql.SQLException e) {
            throw new AssertionError("inbox not readable", e);
        }
    }

    /** One service's part of a gateway's status ({@code "coap"}, {@code "mqtt"}). */
    @SuppressWarnings("unchecked")
    public static java.util.Map<String, Object> serviceStatus(Gateway g, String service) {
        return (java.util.Map<String, Object>) g.services().status().get(service);
    }

    /** A counter of a status map, failing with the map when it is absent. */
    public static long counter(java.util.Map<String, Object> status, String key) {
        if (!(status.get(key) instanceof Number n)) throw new AssertionError("no counter '" + key + "' in " + status);
        return n.longValue();
    }

    /** Waits until two gateways that name each other as LAN peers have learnt each other's keys. */
    public static void awaitLanPair(Gateway alpha, Gateway bravo) throws InterruptedException {
        await("the gateways to learn each other over LAN", 30,
                () -> alpha.node().peers().key(bravo.identity().address()).isPresent()
                        && bravo.node().peers().key(alpha.identity().address()).isPresent());
    }

    /** Deletes a test's temporary directory and everything under it. */
    public static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    public static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    /** Runs a command to completion (at most {@code seconds}), stdin from {@code input} when not null. */
    public static Result run(int seconds, byte[] input, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        if (input != null) p.getOutputStream().write(input);
        p.getOutputStream().close();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        Thread[] readers = new Thread[2];
        byte[][] bufs = new byte[2][];
        readers[0] = new Thread(() -> bufs[0] = readAll(out));
        readers[1] = new Thread(() -> bufs[1] = readAll(err));
        for (Thread t : readers) t.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            for (Thread t : readers) t.join(2000);
            throw new AssertionError(String.join(" ", cmd) + " did not finish in " + seconds + " s; output: "
                    + new String(bufs[0] == null ? new byte[0] : bufs[0], StandardCharsets.UTF_8));
        }
        for (Thread t : readers) t.join(5000);
        return new Result(p.exitValue(), new String(bufs[0], StandardCharsets.UTF_8), new String(bufs[1], StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    public static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
    }

    /** A long-running command whose output lines are collected (mosquitto_sub, an observing coap-client). */
    public static final class Background implements AutoCloseable {
        private final Process process;
        /** Raw output: coap-client prints payloads without a line end, so lines are split when read. */
        private final StringBuffer output = new StringBuffer();
        private final String name;

        public Background(String... cmd) throws IOException {
            this.name = String.join(" ", cmd);
            this.process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread t = new Thread(() -> {
                try (var r = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
                    char[] buf = new char[4096];
                    int n;
                    while ((n = r.read(buf)) > 0) output.append(buf, 0, n);
                } catch (IOException ignored) {
                    // ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        public List<String> lines() {
            return List.of(output.toString().split("\n"));
        }

        public String awaitLine(String what, int seconds, Predicate<String> match) throws InterruptedException {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                for (String l : lines()) if (match.test(l)) return l;
                Thread.sleep(50);
            }
            throw new AssertionError("timed out after " + seconds + " s waiting for " + what + " from " + name
                    + "; got: " + output);
        }

        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
    }

    /** Mosquitto on a free loopback port, no persistence, stopped on close. */
    public static final class Mosquitto implements AutoCloseable {
        public final int port;
        private final Path conf;
        private Process process;

        public Mosquitto(Path dir) throws Exception {
            this(dir, freeTcpPort());
        }

        public Mosquitto(Path dir, int port) throws Exception {
            this(dir, port, "");
        }

        /** {@code extraConfig}: more mosquitto.conf lines, e.g. "max_queued_messages 10000\n". */
        public Mosquitto(Path dir, int port, String extraConfig) throws Exception {
            this.port = port;
            Files.createDirectories(dir);
            this.conf = dir.resolve("mosquitto-" + port + ".conf");
            Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n" + extraConfig);
            start();
        }

        public void start() throws Exception {
            String exe = require("mosquitto", "mosquitto");
            process = new ProcessBuilder(exe, "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            await("mosquitto on port " + port, 10, () -> {
                try (var s = new java.net.Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        }

        public String uri() {
            return "tcp://127.0.0.1:" + port;
        }

        public Background subscribe(String topic) throws Exception {
            Background b = new Background(require("mosquitto_sub", "mosquitto-clients"), "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-q", "1", "-v", "-t", topic);
            Thread.sleep(300); // let the subscription reach the broker
            return b;
        }

        public Result publish(String topic, String payload) throws Exception {
            return run(15, null, require("mosquitto_pub", "mosquitto-clients"), "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-q", "1", "-t", topic, "-m", payload);
        }

        public void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null && process.isAlive()) stop();
        }
    }
}
