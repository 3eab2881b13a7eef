package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At the default log level a start with every default part on (LAN, overlay, CoAP, MQTT with its own
 * Mosquitto, web) prints the gateway's own lines only: no library's INFO internals, nothing at DEBUG.
 */
class QuietStartDaemonTest {
    /** slf4j-simple's line: time, [thread], level, the logger's short name, " - ". */
    private static final Pattern LINE = Pattern.compile("^\\S+ \\[[^\\]]+\\] (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - ");

    @TempDir
    Path dir;

    @Test
    void aDefaultStartLogsOnlyTheGatewaysOwnLines() throws Exception {
        Path config = dir.resolve("defaults.yaml");
        Files.writeString(config, "lan:\n  bind: 127.0.0.1\n  interfaces: [lo]\n  discovery-port: " + Daemon.freeUdpPort() + "\n"
                + "p2p:\n  listen: [/ip4/127.0.0.1/tcp/0, /ip4/127.0.0.1/tcp/0/ws]\n"
                + "coap:\n  port: 0\n  dtls:\n    port: 0\n"
                + "mqtt:\n  embedded-port: " + freeTcpPort() + "\n"
                + "web:\n  port: 0\n");
        try (Daemon d = Daemon.start(dir.resolve("state"), Daemon.freeUdpPort(), config)) {
            d.awaitOutput("MQTT: connected", 60); // the last part to come up: the bridge on its own Mosquitto
            d.awaitOutput("endpoint web ", 30);
            Set<String> ours = ourClassNames();
            List<String> foreign = new ArrayList<>();
            int logLines = 0;
            for (String line : d.output().split("\n")) {
                Matcher m = LINE.matcher(line);
                if (!m.find()) continue;
                logLines++;
                assertFalse(m.group(1).equals("DEBUG") || m.group(1).equals("TRACE"), "below INFO at log.level info: " + line);
                if (!ours.contains(m.group(2))) foreign.add(line);
            }
            assertTrue(logLines > 0, "no log lines to judge:\n" + d.output());
            assertTrue(foreign.isEmpty(), "library lines at the default level:\n" + String.join("\n", foreign));
        }
    }

    /** Simple names of every class under net/sovereignbridge on the class path (directories and jars). */
    private static Set<String> ourClassNames() throws IOException, URISyntaxException {
        Set<String> out = new HashSet<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                Path root = p.resolve("net/sovereignbridge");
                if (!Files.isDirectory(root)) continue;
                try (Stream<Path> files = Files.walk(root)) {
                    files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class")).forEach(n -> out.add(simple(n)));
                }
            } else if (entry.endsWith(".jar") && Files.exists(p)) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("net/sovereignbridge/") && n.endsWith(".class"))
                            .forEach(n -> out.add(simple(n.substring(n.lastIndexOf('/') + 1))));
                }
            }
        }
        return out;
    }

    private static String simple(String classFile) {
        String n = classFile.substring(0, classFile.length() - ".class".length());
        int dollar = n.indexOf('$');
        return dollar < 0 ? n : n.substring(0, dollar);
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
