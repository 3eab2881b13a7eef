package net.sovereignbridge.app.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.sovereignbridge.app.cli.Json;

/** A real sbridge daemon in its own JVM, driven through the real CLI entry point, as an operator would. */
final class Daemon implements AutoCloseable {
    final Path stateDir;
    final int lanPort;
    private final Process process;
    private final StringBuffer output = new StringBuffer();

    private Daemon(Path stateDir, int lanPort, Process process) {
        this.stateDir = stateDir;
        this.lanPort = lanPort;
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) output.append(line).append('\n');
            } catch (IOException ignored) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    static Daemon start(Path stateDir, int lanPort, Path config) throws Exception {
        return start(stateDir, lanPort, config, Map.of());
    }

    /** As above, with extra environment variables (e.g. systemd's NOTIFY_SOCKET). */
    static Daemon start(Path stateDir, int lanPort, Path config, Map<String, String> env, String... extraArgs)
            throws Exception {
        return startIn(null, stateDir, lanPort, config, env, extraArgs);
    }

    /**
     * As above, inside a network namespace ({@code ip netns exec NS java ...}, e.g. a NatLab host) when
     * {@code netns} is not null. The CLI still reaches it: its control socket is a file in the state dir.
     */
    static Daemon startIn(String netns, Path stateDir, int lanPort, Path config, Map<String, String> env, String... extraArgs)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        if (netns != null) cmd.addAll(List.of("ip", "netns", "exec", netns));
        cmd.addAll(javaCommand());
        cmd.addAll(List.of("run", "--state-dir", stateDir.toString(), "--lan-port", Integer.toString(lanPort)));
        cmd.addAll(List.of(extraArgs));
        if (config != null) cmd.addAll(List.of("--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("NOTIFY_SOCKET"); // a test run under systemd must not notify the real one
        pb.environment().remove("WATCHDOG_USEC");
        pb.environment().remove("WATCHDOG_PID");
        pb.environment().putAll(env);
        Process p = pb.start();
        Daemon d = new Daemon(stateDir, lanPort, p);
        d.awaitOutput("sbridge gateway running", 90);
        return d;
    }

    static List<String> javaCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m", "-cp",
                System.getProperty("java.class.path"), "net.sovereignbridge.app.Main");
    }

    /** Runs one CLI command in a fresh JVM. */
    static Result cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sbridge " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    record Result(int exit, String out, String err) {
        Map<String, Object> json() {
            return Json.parseObject(out.trim());
        }
    }

    Result cliHere(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(1, "--state-dir");
        a.add(2, stateDir.toString());
        return cli(a.toArray(new String[0]));
    }

    Map<String, Object> status() throws Exception {
        Result r = cliHere("status", "--json");
        if (r.exit != 0) throw new AssertionError("status failed: " + r);
        return r.json();
    }

    String address() throws Exception {
        return (String) cliHere("identity", "--json").json().get("address");
    }

    /** Polls {@code probe} until it is true or the timeout passes; the test fails with {@code what}. */
    static void await(String what, int seconds, Check probe) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (probe.ok()) return;
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    void awaitOutput(String text, int seconds) throws Exception {
        await("daemon output '" + text + "'; got:\n" + output, seconds, () -> {
            if (!process.isAlive() && !output.toString().contains(text)) {
                Thread.sleep(200);
                throw new AssertionError("daemon exited with " + process.exitValue() + ":\n" + output);
            }
            return output.toString().contains(text);
        });
    }

    String output() {
        return output.toString();
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, then wait for a clean exit. */
    int terminate() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("daemon did not stop on SIGTERM");
        }
        return process.exitValue();
    }

    /** kill -9: no shutdown hook, no flush; what was committed must survive. */
    void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A config that keeps LAN discovery on loopback, on a port of this test's own. */
    static Path loopbackConfig(Path dir, String name, int discoveryPort, boolean discovery, String... staticPeers)
            throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("node:\n  name: ").append(name).append("\n");
        y.append("lan:\n  bind: 127.0.0.1\n  interfaces: [lo]\n  discovery: ").append(discovery)
                .append("\n  discovery-port: ").append(discoveryPort).append("\n");
        if (staticPeers.length > 0) y.append("  peers: [").append(String.join(", ", staticPeers)).append("]\n");
        // the overlay on a free loopback port: tests never fight over (or depend on) TCP 4001/4002
        y.append("p2p:\n  listen: [/ip4/127.0.0.1/tcp/0]\n");
        y.append("log:\n  level: debug\n");
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, y.toString());
        return file;
    }

    static Predicate<Map<String, Object>> knowsPeer(String address) {
        return status -> ((List<?>) status.get("peers")).stream()
                .anyMatch(p -> address.equals(((Map<?, ?>) p).get("address")));
    }
}
