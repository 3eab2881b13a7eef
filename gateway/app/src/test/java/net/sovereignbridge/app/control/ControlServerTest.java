package net.sovereignbridge.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket on a real unix-domain socket in a temporary state directory. */
class ControlServerTest {

    @Test
    void socketIsOwnerOnlyEvenInAWorldReadableDirectory(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ControlServer server = ControlServer.start(dir, request -> Map.of("ok", true, "echo", request.get("op")))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(ControlServer.SOCKET_NAME), files.map(p -> p.getFileName().toString()).toList(),
                        "no staging directory left behind");
            }
            Map<String, Object> answer = ControlClient.call(dir, Map.of("op", "status"));
            assertEquals(true, answer.get("ok"));
            assertEquals("status", answer.get("echo"));
        }
        assertTrue(Files.notExists(dir.resolve(ControlServer.SOCKET_NAME)), "socket removed on close");
    }

    @Test
    void secondDaemonOnTheSameStateDirectoryIsRefused(@TempDir Path dir) throws Exception {
        try (ControlServer first = ControlServer.start(dir, request -> Map.of("ok", true))) {
            IOException e = assertThrows(IOException.class, () -> ControlServer.start(dir, request -> Map.of("ok", true)));
            assertTrue(e.getMessage().contains("another sbridge daemon"), e.getMessage());
            assertEquals(true, ControlClient.call(dir, Map.of("op", "status")).get("ok"), "the first one still answers");
        }
    }

    @Test
    void staleSocketOfADeadDaemonIsReplaced(@TempDir Path dir) throws Exception {
        ControlServer dead = ControlServer.start(dir, request -> Map.of("ok", true));
        Path socket = dead.socket();
        // What a killed daemon leaves: the socket file with nobody listening behind it.
        Path keep = dir.resolve("keep");
        Files.move(socket, keep);
        dead.close();
        Files.move(keep, socket);
        try (ControlServer fresh = ControlServer.start(dir, request -> Map.of("ok", true, "fresh", true))) {
            assertEquals(true, ControlClient.call(dir, Map.of("op", "status")).get("fresh"));
        }
    }

    @Test
    void idleConnectionsNeitherBlockCommandsNorStayForever(@TempDir Path dir) throws Exception {
        try (ControlServer server = ControlServer.start(dir, request -> Map.of("ok", true, "echo", request.get("op")))) {
            java.util.List<java.nio.channels.SocketChannel> idle = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) idle.add(connect(dir));
                long start = System.nanoTime();
                for (int i = 0; i < 5; i++) assertEquals("status", ControlClient.call(dir, Map.of("op", "status")).get("echo"));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < 2000, "five commands behind three idle connections took " + ms + " ms");
                // The idle ones are told why and disconnected after the read timeout.
                for (var ch : idle) {
                    String answer = readAnswer(ch, ControlServer.READ_TIMEOUT_MS + 3000);
                    assertEquals("{\"ok\":false,\"error\":\"no request within " + ControlServer.READ_TIMEOUT_MS
                            + " ms: disconnected\"}", answer);
                }
            } finally {
                for (var ch : idle) ch.close();
            }
        }
    }

    @Test
    void moreIdleConnectionsThanWorkersAndQueueAreRefusedAsBusyNotHung(@TempDir Path dir) throws Exception {
        try (ControlServer server = ControlServer.start(dir, request -> Map.of("ok", true))) {
            java.util.List<java.nio.channels.SocketChannel> idle = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < ControlServer.WORKERS + ControlServer.QUEUE; i++) idle.add(connect(dir));
                Thread.sleep(300);
                Map<String, Object> a = ControlClient.call(dir, Map.of("op", "status"));
                assertEquals(false, a.get("ok"));
                assertTrue(String.valueOf(a.get("error")).startsWith("the daemon is busy"), a.toString());
            } finally {
                for (var ch : idle) ch.close();
            }
            Daemonless.await(() -> Boolean.TRUE.equals(ControlClient.call(dir, Map.of("op", "status")).get("ok")));
        }
    }

    @Test
    void oversizeRequestLineIsAnsweredNotDropped(@TempDir Path dir) throws Exception {
        try (ControlServer server = ControlServer.start(dir, request -> Map.of("ok", true))) {
            Map<String, Object> a = ControlClient.call(dir, Map.of("op", "send", "text", "x".repeat(ControlServer.MAX_REQUEST)));
            assertEquals(false, a.get("ok"));
            assertEquals("request line over " + ControlServer.MAX_REQUEST + " bytes (large data travels as a payload)",
                    a.get("error"));
        }
    }

    @Test
    void payloadIsStreamedAfterTheLineAndBounded(@TempDir Path dir) throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(5).nextBytes(data);
        try (ControlServer server = ControlServer.start(dir, request -> Map.of("ok", true,
                "sha", java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest((byte[]) request.get("payload")))))) {
            Map<String, Object> a = ControlClient.call(dir, Map.of("op", "x"), new java.io.ByteArrayInputStream(data), data.length);
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data)),
                    a.get("sha"));
            try (var ch = connect(dir)) {
                ch.write(java.nio.ByteBuffer.wrap(("{\"op\":\"x\",\"payloadBytes\":" + (ControlServer.MAX_PAYLOAD + 1L) + "}\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                assertEquals("{\"ok\":false,\"error\":\"payload of " + (ControlServer.MAX_PAYLOAD + 1L)
                        + " bytes is over the control channel's limit of " + ControlServer.MAX_PAYLOAD + " bytes\"}",
                        readAnswer(ch, 3000), "refused before reading a byte of it");
            }
        }
    }

    @Test
    void unreachableSocketSaysWhy(@TempDir Path dir) throws Exception {
        IOException none = assertThrows(IOException.class, () -> ControlClient.call(dir, Map.of("op", "status")));
        assertTrue(none.getMessage().startsWith("no sbridge daemon is running on state directory " + dir), none.getMessage());
    }

    private static java.nio.channels.SocketChannel connect(Path dir) throws IOException {
        var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        ch.connect(java.net.UnixDomainSocketAddress.of(dir.resolve(ControlServer.SOCKET_NAME)));
        return ch;
    }

    private static String readAnswer(java.nio.channels.SocketChannel ch, long timeoutMs) throws Exception {
        ch.configureBlocking(false);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            b.clear();
            int n = ch.read(b);
            if (n < 0) break;
            out.write(b.array(), 0, n);
            if (n == 0) Thread.sleep(20);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8).trim();
    }

    /** Polling without a daemon: the server frees its workers once the idle clients are gone. */
    private static final class Daemonless {
        interface Probe {
            boolean ok() throws Exception;
        }

        static void await(Probe p) throws Exception {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (p.ok()) return;
                Thread.sleep(100);
            }
            throw new AssertionError("the control server did not recover");
        }
    }
}
