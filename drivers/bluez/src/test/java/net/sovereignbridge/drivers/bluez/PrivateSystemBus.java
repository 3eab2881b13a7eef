package net.sovereignbridge.drivers.bluez;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private dbus-daemon (Debian's, the real bus) configured as a system bus in a temporary directory, so that
 * tests never touch the machine's bus. {@code denyBluez} adds the policy a user outside group bluetooth meets.
 */
public final class PrivateSystemBus implements AutoCloseable {
    private final Path dir;
    private final Process daemon;
    private final String address;

    private PrivateSystemBus(Path dir, Process daemon, String address) {
        this.dir = dir;
        this.daemon = daemon;
        this.address = address;
    }

    public static PrivateSystemBus start() throws IOException {
        return start(false);
    }

    public static PrivateSystemBus start(boolean denyBluez) throws IOException {
        Path dir = Files.createTempDirectory("sbridge-dbus");
        String deny = denyBluez
                ? "<deny send_destination=\"org.bluez\"/>"
                : "";
        Path config = dir.resolve("system.conf");
        Files.writeString(config, """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>system</type>
                  <listen>unix:dir=%s</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow send_destination="*" eavesdrop="true"/>
                    <allow eavesdrop="true"/>
                    <allow own="*"/>
                    %s
                  </policy>
                </busconfig>
                """.formatted(dir, deny));
        Process daemon = new ProcessBuilder("dbus-daemon", "--config-file=" + config, "--nofork", "--nopidfile",
                "--print-address=1")
                .redirectError(dir.resolve("dbus-daemon.log").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
        String address = out.readLine();
        if (address == null || !address.startsWith("unix:")) {
            daemon.destroyForcibly();
            throw new IOException("dbus-daemon did not start: " + Files.readString(dir.resolve("dbus-daemon.log")));
        }
        return new PrivateSystemBus(dir, daemon, address.trim());
    }

    public String address() {
        return address;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        daemon.destroy();
        try {
            if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        } catch (InterruptedException e) {
            daemon.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
