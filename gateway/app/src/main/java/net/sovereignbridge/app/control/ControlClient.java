package net.sovereignbridge.app.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.sovereignbridge.app.cli.Json;

/** The CLI side of {@link ControlServer}. */
public final class ControlClient {
    private ControlClient() {}

    /** Sends one request and returns the daemon's answer. */
    public static Map<String, Object> call(Path stateDir, Map<String, Object> request) throws IOException {
        Path socket = stateDir.resolve(ControlServer.SOCKET_NAME);
        if (!Files.exists(socket)) {
            throw new IOException("no sbridge daemon is running on state directory " + stateDir
                    + " (no " + socket + "); start one with: sbridge run --state-dir " + stateDir);
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(java.nio.ByteBuffer.wrap((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8)));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) throw new IOException("the daemon closed the control channel without answering");
            return Json.parseObject(line);
        } catch (java.net.SocketException e) {
            throw new IOException("cannot reach the daemon at " + socket + ": " + e.getMessage()
                    + " (is it running, and are you its owner?)", e);
        }
    }

    static boolean isAlive(Path stateDir) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(stateDir.resolve(ControlServer.SOCKET_NAME)));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
