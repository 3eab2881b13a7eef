package net.sovereignbridge.app.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import net.sovereignbridge.app.cli.Json;

/** The CLI side of {@link ControlServer}. */
public final class ControlClient {
    private ControlClient() {}

    /** Sends one request and returns the daemon's answer. */
    public static Map<String, Object> call(Path stateDir, Map<String, Object> request) throws IOException {
        return call(stateDir, request, null, 0);
    }

    /**
     * Sends one request followed by {@code payloadBytes} raw bytes streamed from {@code payload} (a bundle
     * file), so neither side holds it as text. The caller checks the size against
     * {@link ControlServer#MAX_PAYLOAD} first.
     */
    public static Map<String, Object> call(Path stateDir, Map<String, Object> request, InputStream payload, long payloadBytes)
            throws IOException {
        Path socket = stateDir.resolve(ControlServer.SOCKET_NAME);
        requireSocket(stateDir, socket);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (java.net.SocketException e) {
                throw unreachable(stateDir, socket, e);
            }
            Map<String, Object> line = request;
            if (payload != null) {
                line = new LinkedHashMap<>(request);
                line.put("payloadBytes", payloadBytes);
            }
            IOException sendFailure = null;
            try {
                writeAll(ch, ByteBuffer.wrap((Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8)));
                if (payload != null) {
                    byte[] chunk = new byte[64 * 1024];
                    long left = payloadBytes;
                    while (left > 0) {
                        int n = payload.read(chunk, 0, (int) Math.min(chunk.length, left));
                        if (n < 0) throw new IOException("the file ended after " + (payloadBytes - left) + " of "
                                + payloadBytes + " bytes (did it change while being sent?)");
                        writeAll(ch, ByteBuffer.wrap(chunk, 0, n));
                        left -= n;
                    }
                }
            } catch (java.net.SocketException e) {
                // The daemon may have refused the request and closed early: its answer says why.
                sendFailure = e;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8));
            String answer;
            try {
                answer = in.readLine();
            } catch (IOException e) {
                answer = null;
            }
            if (answer == null) {
                throw new IOException("the daemon closed the control channel without answering"
                        + (sendFailure != null ? " (" + sendFailure.getMessage() + ")" : ""));
            }
            return Json.parseObject(answer);
        }
    }

    private static void writeAll(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Tells "no daemon" from "not allowed to look": a state directory of another user hides its socket. */
    private static void requireSocket(Path stateDir, Path socket) throws IOException {
        try {
            Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IOException("no sbridge daemon is running on state directory " + stateDir
                    + " (no " + socket + "); start one with: sbridge run --state-dir " + stateDir);
        } catch (AccessDeniedException e) {
            throw new IOException("permission denied: cannot look into state directory " + stateDir + owner(stateDir)
                    + "; run this command as the daemon's user (or root)");
        }
    }

    private static IOException unreachable(Path stateDir, Path socket, java.net.SocketException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Permission denied")) {
            return new IOException("permission denied on the control socket " + socket + owner(socket)
                    + "; run this command as the daemon's user (or root)", e);
        }
        if (m.contains("Connection refused")) {
            return new IOException("no sbridge daemon is running on state directory " + stateDir + " (" + socket
                    + " is left from one that stopped); start one with: sbridge run --state-dir " + stateDir, e);
        }
        return new IOException("cannot reach the daemon at " + socket + ": " + m, e);
    }

    private static String owner(Path p) {
        try {
            return " (owned by " + Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName() + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
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
