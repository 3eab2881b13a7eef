package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a flood from strangers costs in log lines, at the production log level (info), on a real daemon:
 * garbage and connection floods on every listening socket, and Observe clients that vanish while their
 * notifications are due. Every line is counted; none may be a stack trace.
 */
class LogFloodDaemonTest {
    @TempDir
    Path dir;

    @Test
    void floodsOnEverySocketCostAFewLinesAndNoStackTraces() throws Exception {
        int discovery = Daemon.freeUdpPort();
        Path cfg = dir.resolve("flood.yaml");
        Files.writeString(cfg, "node:\n  name: flooded\nlan:\n  bind: 127.0.0.1\n  interfaces: [lo]\n  discovery: false\n"
                + "  discovery-port: " + discovery + "\np2p:\n  listen: [/ip4/127.0.0.1/tcp/0]\n"
                + "coap:\n  port: 0\n  dtls:\n    port: 0\n    psk: [\"dev:00112233445566778899aabbccddeeff\"]\n"
                + "mqtt:\n  enabled: false\nlog:\n  level: info\n");
        int lanPort = Daemon.freeUdpPort();
        try (Daemon d = Daemon.start(dir.resolve("s"), lanPort, cfg)) {
            d.awaitOutput("endpoint coap coaps://", 30);
            String banner = d.output();
            int coapPort = port(banner, "endpoint coap coap://127.0.0.1:");
            int dtlsPort = port(banner, "endpoint coap coaps://127.0.0.1:");
            int tcpPort = port(banner, "listen   /ip4/127.0.0.1/tcp/");
            int before = d.output().split("\n").length;
            Random random = new Random(5);
            InetAddress lo = InetAddress.getLoopbackAddress();

            // 1. 5000 garbage datagrams each on the LAN, CoAP and DTLS ports, from many source ports.
            for (int round = 0; round < 50; round++) {
                try (DatagramSocket s = new DatagramSocket()) {
                    for (int i = 0; i < 100; i++) {
                        byte[] junk = new byte[1 + random.nextInt(300)];
                        random.nextBytes(junk);
                        for (int port : new int[] {lanPort, coapPort, dtlsPort}) {
                            s.send(new DatagramPacket(junk, junk.length, lo, port));
                        }
                    }
                }
            }
            // 2. 1000 TCP connections to the overlay: garbage, or nothing, then gone.
            for (int i = 0; i < 1000; i++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(lo, tcpPort), 2000);
                    if (i % 2 == 0) {
                        OutputStream out = s.getOutputStream();
                        byte[] junk = new byte[64];
                        random.nextBytes(junk);
                        out.write(junk);
                        out.flush();
                    }
                    if (i % 3 == 0) s.setSoLinger(true, 0); // reset instead of a clean close
                } catch (java.io.IOException refused) {
                    // the listener may refuse under the flood: that is the point
                }
            }
            // 3. 40 observers of a topic that vanish, then 8 publishes (within the topic rate) whose notifications find nobody.
            for (int i = 0; i < 40; i++) {
                try (DatagramSocket s = new DatagramSocket()) {
                    s.send(packet(observeTopic(i), lo, coapPort));
                    s.setSoTimeout(2000);
                    DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
                    s.receive(answer);
                    assertEquals(0x45, answer.getData()[1] & 0xff, "observer " + i + " registered with 2.05");
                }
            }
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(3000);
                for (int i = 0; i < 8; i++) {
                    s.send(packet(publishTopic(1000 + i, "notice " + i), lo, coapPort));
                    DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
                    s.receive(answer);
                    int code = answer.getData()[1] & 0xff;
                    assertTrue(code == 0x41 || code == 0x44, "publish " + i + " accepted: 0x" + Integer.toHexString(code));
                }
            }
            // Californium retransmits confirmable notifications for up to ~90 s; the first attempts are what
            // matter for the log, and 15 s covers four of them.
            Thread.sleep(15_000);

            List<String> lines = new ArrayList<>(List.of(d.output().split("\n")));
            List<String> added = lines.subList(before, lines.size());
            String all = String.join("\n", added);
            System.out.println("flood added " + added.size() + " log lines:\n" + all);
            assertTrue(added.stream().noneMatch(l -> l.startsWith("\tat ") || l.matches("\\s+at [\\w.$]+\\(.*")),
                    "no stack traces:\n" + all);
            assertTrue(added.size() <= 60, added.size() + " lines for the flood:\n" + all);
            assertTrue(d.alive());
            assertEquals(0, d.cliHere("status", "--json").exit(), "the daemon still answers");
        }
    }

    private static int port(String banner, String prefix) {
        for (String l : banner.split("\n")) {
            int i = l.indexOf(prefix);
            if (i >= 0) return Integer.parseInt(l.substring(i + prefix.length()).replaceAll("[^0-9].*", ""));
        }
        throw new AssertionError("no '" + prefix + "' in the banner:\n" + banner);
    }

    private static DatagramPacket packet(byte[] b, InetAddress to, int port) {
        return new DatagramPacket(b, b.length, to, port);
    }

    /** CON GET /topics/flood with Observe: 0 and a 2-byte token. */
    private static byte[] observeTopic(int mid) {
        return coap(0x01, mid, new byte[] {0x60}, null);
    }

    /** CON POST /topics/flood with a text payload. */
    private static byte[] publishTopic(int mid, String text) {
        return coap(0x02, mid, new byte[0], text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] coap(int code, int mid, byte[] observeOption, byte[] payload) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x42); // version 1, CON, token length 2
        out.write(code);
        out.write(mid >> 8);
        out.write(mid);
        out.write(mid >> 8);
        out.write(mid ^ 0x5a);
        out.writeBytes(observeOption); // option 6 (Observe), empty = 0
        int delta = observeOption.length > 0 ? 5 : 11;
        out.write(delta << 4 | 6);
        out.writeBytes("topics".getBytes(StandardCharsets.US_ASCII));
        out.write(5);
        out.writeBytes("flood".getBytes(StandardCharsets.US_ASCII));
        if (payload != null) {
            out.write(0xff);
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }
}
