package net.sovereignbridge.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /**
     * A closed server must refuse connections when close returns: the kernel keeps a listening socket open
     * while a thread is blocked in accept() on it, so a close that does not wait for its acceptor left the
     * socket answering for a moment, and the next daemon's liveness probe took it for a running daemon
     * (seen under load in the full build). Before the fix most rounds here connected.
     */
    @Test
    void closedServerRefusesConnectionsAtOnce(@TempDir Path dir) throws Exception {
        for (int round = 0; round < 100; round++) {
            ControlServer server = ControlServer.start(dir, request -> Map.of("ok", true));
            assertEquals(true, ControlClient.call(dir, Map.of("op", "status")).get("ok"), "round " + round);
            Path socket = server.socket();
            Path keep = dir.resolve("keep");
            Files.move(socket, keep); // keep the socket file so that the probe reaches the closed listener
            server.close();
            Files.move(keep, socket);
            assertFalse(ControlClient.isAlive(dir), "round " + round + ": the closed server still took a connection");
            Files.delete(socket);
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
}
