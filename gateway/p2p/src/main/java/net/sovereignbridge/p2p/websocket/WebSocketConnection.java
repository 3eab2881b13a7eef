package net.sovereignbridge.p2p.websocket;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RFC 6455 connection over a blocking socket, after the opening handshake. libp2p treats the
 * connection as a byte stream carried in binary messages, so {@link #inputStream()} and
 * {@link #outputStream()} give it as one: multistream-select, Noise and yamux run over them exactly as
 * over a TCP socket.
 *
 * <p>Reading (one thread at a time) answers pings, records pongs, reassembles fragmented messages and
 * completes the close handshake. A peer that breaks the protocol gets a close frame with the matching
 * status code and the reason, which is also logged; the socket is then closed.
 */
public final class WebSocketConnection implements Closeable {
    /** Our outgoing messages are split into frames of this size (peers commonly accept far more). */
    public static final int OUTGOING_FRAGMENT = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
    /** Lines a remote peer (or a stranger) can trigger at will: rate-limited per key. */
    private static final net.sovereignbridge.mesh.log.RateLimitedLog peerLog = net.sovereignbridge.mesh.log.RateLimitedLog.of(WebSocketConnection.class);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final boolean client;
    private final SecureRandom random;
    private final WebSocketLimits limits;
    private final String path;
    private final String peer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final Map<String, CompletableFuture<Void>> pendingPings = new ConcurrentHashMap<>();
    private final InputStream messageStream = new MessageInputStream();
    private final OutputStream messageOutput = new MessageOutputStream();

    private volatile boolean closeSent;
    private volatile boolean closeReceived;
    private volatile boolean socketClosed;
    private volatile int closeCode = -1;
    private volatile String closeReason = "";

    private WebSocketConnection(Socket socket, InputStream in, boolean client, SecureRandom random, WebSocketLimits limits,
            String path) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.client = client;
        this.random = random;
        this.limits = limits;
        this.path = path;
        this.peer = String.valueOf(socket.getRemoteSocketAddress());
    }

    /** Server side: runs the opening handshake on an accepted socket (closing it on failure). */
    public static WebSocketConnection accept(Socket socket, WebSocketLimits limits, SecureRandom random) throws IOException {
        try {
            socket.setSoTimeout(limits.handshakeTimeoutMs());
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            WebSocketHandshake.Request request = WebSocketHandshake.accept(in, socket.getOutputStream(), limits);
            socket.setSoTimeout(0);
            return new WebSocketConnection(socket, in, false, random, limits, request.path());
        } catch (IOException | RuntimeException e) {
            peerLog.info("websocket.refused", "WebSocket handshake from {} refused: {}", socket.getRemoteSocketAddress(), describe(e));
            socket.close();
            throw e;
        }
    }

    /** Client side: runs the opening handshake on a connected socket (closing it on failure). */
    public static WebSocketConnection connect(Socket socket, String hostHeader, String path, WebSocketLimits limits,
            SecureRandom random) throws IOException {
        try {
            socket.setSoTimeout(limits.handshakeTimeoutMs());
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            WebSocketHandshake.connect(in, socket.getOutputStream(), hostHeader, path, random, limits);
            socket.setSoTimeout(0);
            return new WebSocketConnection(socket, in, true, random, limits, path);
        } catch (IOException | RuntimeException e) {
            peerLog.info("websocket.failed", "WebSocket handshake with {} failed: {}", socket.getRemoteSocketAddress(), describe(e));
            socket.close();
            throw e;
        }
    }

    private static String describe(Exception e) {
        return e instanceof SocketTimeoutException ? "timed out" : e.getMessage();
    }

    public Socket socket() {
        return socket;
    }

    /** The request path (server side: what the client asked for). */
    public String path() {
        return path;
    }

    public boolean isClient() {
        return client;
    }

    /** The status code of the close (ours when we failed the connection, the peer's otherwise), or -1 while open. */
    public int closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isOpen() {
        return !closeSent && !closeReceived && !socketClosed;
    }

    /** The connection as a byte stream: the bytes of successive binary messages; -1 after the close. */
    public InputStream inputStream() {
        return messageStream;
    }

    /** Every write goes out at once as binary messages of at most 64 KiB; flush has nothing to do. */
    public OutputStream outputStream() {
        return messageOutput;
    }

    /**
     * The next binary message, reassembled from its fragments, or null once the close handshake is done
     * (or the peer closed TCP after our close). A protocol violation fails the connection and throws
     * {@link WebSocketException}; a TCP end without a close frame throws {@link EOFException}.
     */
    public byte[] readMessage() throws IOException {
        readLock.lock();
        try {
            ByteArrayOutputStream assembling = null;
            while (true) {
                if (closeReceived || socketClosed) return null;
                WebSocketFrame frame;
                try {
                    frame = WebSocketFrame.read(in, !client, limits.maxFramePayload());
                } catch (WebSocketException e) {
                    throw fail(e.closeCode(), e.getMessage());
                } catch (IOException e) {
                    if (closeSent) { // we are closing and the peer dropped TCP: done
                        closeSocket();
                        return null;
                    }
                    closeCode = CloseCodes.ABNORMAL;
                    closeReason = e.getMessage();
                    closeSocket();
                    throw e;
                }
                if (frame == null) {
                    closeSocket();
                    if (closeSent) return null;
                    closeCode = CloseCodes.ABNORMAL;
                    closeReason = "connection ended without a close frame";
                    throw new EOFException("WebSocket peer " + peer + " ended the connection without a close frame");
                }
                switch (frame.opcode()) {
                    case WebSocketFrame.PING -> {
                        if (!closeSent) sendFrame(true, WebSocketFrame.PONG, frame.payload(), 0, frame.payload().length);
                    }
                    case WebSocketFrame.PONG -> {
                        CompletableFuture<Void> f = pendingPings.remove(key(frame.payload()));
                        if (f != null) f.complete(null);
                    }
                    case WebSocketFrame.CLOSE -> {
                        onClose(frame.payload());
                        return null;
                    }
                    case WebSocketFrame.TEXT -> throw fail(CloseCodes.UNSUPPORTED_DATA,
                            "text message: libp2p over WebSocket uses binary messages only");
                    case WebSocketFrame.BINARY -> {
                        if (assembling != null) throw fail(CloseCodes.PROTOCOL_ERROR,
                                "new binary message inside a fragmented message");
                        if (frame.fin()) {
                            if (closeSent) continue; // discarded while closing
                            return frame.payload();
                        }
                        assembling = new ByteArrayOutputStream(Math.min(frame.payload().length * 2, limits.maxMessageBytes()));
                        assembling.writeBytes(frame.payload());
                    }
                    case WebSocketFrame.CONTINUATION -> {
                        if (assembling == null) throw fail(CloseCodes.PROTOCOL_ERROR, "continuation frame without a message");
                        if ((long) assembling.size() + frame.payload().length > limits.maxMessageBytes()) {
                            throw fail(CloseCodes.MESSAGE_TOO_BIG, "fragmented message over the limit of "
                                    + limits.maxMessageBytes() + " bytes");
                        }
                        assembling.writeBytes(frame.payload());
                        if (frame.fin()) {
                            byte[] message = assembling.toByteArray();
                            assembling = null;
                            if (closeSent) continue;
                            return message;
                        }
                    }
                    default -> throw new IllegalStateException("decoder let opcode " + frame.opcode() + " through");
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    private void onClose(byte[] payload) throws IOException {
        int code = CloseCodes.NO_STATUS;
        String reason = "";
        if (payload.length == 1) throw fail(CloseCodes.PROTOCOL_ERROR, "close frame with a 1-byte payload");
        if (payload.length >= 2) {
            code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            if (!CloseCodes.validOnWire(code)) throw fail(CloseCodes.PROTOCOL_ERROR, "close frame with invalid status code " + code);
            try {
                reason = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(payload, 2, payload.length - 2)).toString();
            } catch (CharacterCodingException e) {
                throw fail(CloseCodes.INVALID_PAYLOAD, "close reason is not valid UTF-8");
            }
        }
        closeReceived = true;
        boolean weStarted = closeSent;
        if (!weStarted) {
            closeCode = code;
            closeReason = reason;
            // Echo the status code (section 5.5.1); an empty close is answered with an empty close.
            byte[] echo = payload.length >= 2 ? Arrays.copyOf(payload, 2) : new byte[0];
            try {
                sendFrame(true, WebSocketFrame.CLOSE, echo, 0, echo.length);
                closeSent = true;
            } catch (IOException ignored) {
                // The peer may have dropped TCP right after its close frame.
            }
        }
        synchronized (this) {
            notifyAll();
        }
        // The server closes TCP first (section 7.1.1); a client whose peer does not follow would wait
        // for nothing, so both sides close once the handshake is complete.
        closeSocket();
        log.debug("WebSocket {} closed by {} with {} {}", peer, weStarted ? "us" : "peer", code, WebSocketHandshake.printable(reason));
    }

    /** Sends a close frame with our status and reason, logs them, closes the socket and returns the exception to throw. */
    private WebSocketException fail(int code, String reason) {
        peerLog.warn("websocket.closing", "WebSocket {}: closing with {}: {}", peer, code, reason);
        closeCode = code;
        closeReason = reason;
        if (!closeSent) {
            try {
                sendClose(code, reason);
            } catch (IOException ignored) {
                // Closing anyway.
            }
        }
        closeSocket();
        pendingPings.values().forEach(f -> f.completeExceptionally(new EOFException("connection failed")));
        return new WebSocketException(code, "WebSocket peer " + peer + ": " + reason);
    }

    /** Sends one binary message, in frames of at most {@code fragmentSize} bytes. */
    public void sendBinary(byte[] data, int offset, int length, int fragmentSize) throws IOException {
        if (fragmentSize < 1) throw new IllegalArgumentException("fragment size must be positive");
        writeLock.lock();
        try {
            if (closeSent || socketClosed) throw new IOException("WebSocket connection to " + peer + " is closing");
            int sent = 0;
            do {
                int n = Math.min(fragmentSize, length - sent);
                boolean last = sent + n == length;
                sendFrame(last, sent == 0 ? WebSocketFrame.BINARY : WebSocketFrame.CONTINUATION, data, offset + sent, n);
                sent += n;
            } while (sent < length);
        } finally {
            writeLock.unlock();
        }
    }

    public void sendBinary(byte[] data) throws IOException {
        sendBinary(data, 0, data.length, OUTGOING_FRAGMENT);
    }

    /** Sends a ping; the future completes when the matching pong has been read (by whoever reads). */
    public CompletableFuture<Void> ping(byte[] payload) throws IOException {
        if (payload.length > WebSocketFrame.MAX_CONTROL_PAYLOAD) throw new IllegalArgumentException("ping payload over 125 bytes");
        CompletableFuture<Void> f = new CompletableFuture<>();
        pendingPings.put(key(payload), f);
        sendFrame(true, WebSocketFrame.PING, payload, 0, payload.length);
        return f;
    }

    private static String key(byte[] payload) {
        return java.util.HexFormat.of().formatHex(payload);
    }

    private void sendFrame(boolean fin, int opcode, byte[] data, int offset, int length) throws IOException {
        byte[] mask = null;
        if (client) {
            mask = new byte[4];
            random.nextBytes(mask);
        }
        byte[] frame = WebSocketFrame.encode(fin, opcode, data, offset, length, mask);
        writeLock.lock();
        try {
            out.write(frame);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private void sendClose(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(r.length, WebSocketFrame.MAX_CONTROL_PAYLOAD - 2);
        // Do not cut a UTF-8 sequence in half.
        while (n > 0 && n < r.length && (r[n] & 0xC0) == 0x80) n--;
        byte[] payload = new byte[2 + n];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, n);
        writeLock.lock();
        try {
            if (closeSent) return;
            closeSent = true;
            sendFrame(true, WebSocketFrame.CLOSE, payload, 0, payload.length);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Starts or completes the close handshake: sends our close frame and waits (at most the close
     * timeout) for the peer's, reading and discarding data itself when no other thread is reading.
     */
    public void close(int code, String reason) throws IOException {
        if (socketClosed) return;
        if (!closeSent) {
            if (closeCode < 0) {
                closeCode = code;
                closeReason = reason;
            }
            try {
                sendClose(code, reason);
            } catch (IOException e) {
                closeSocket();
                return;
            }
        }
        long deadline = System.currentTimeMillis() + limits.closeTimeoutMs();
        if (readLock.tryLock()) {
            try {
                socket.setSoTimeout(limits.closeTimeoutMs());
                while (!closeReceived && !socketClosed && System.currentTimeMillis() < deadline) {
                    if (readMessage() == null) break;
                }
            } catch (IOException e) {
                // Timed out or failed while waiting for the peer's close: closing anyway.
            } finally {
                readLock.unlock();
            }
        } else {
            synchronized (this) {
                while (!closeReceived && !socketClosed) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) break;
                    try {
                        wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        closeSocket();
    }

    @Override
    public void close() throws IOException {
        close(CloseCodes.NORMAL, "");
    }

    /** Sends our close frame (if not sent yet) and closes the socket without waiting for the peer's. */
    public void closeNow(int code, String reason) {
        if (socketClosed) return;
        if (closeCode < 0) {
            closeCode = code;
            closeReason = reason;
        }
        // A writer stuck on a full TCP buffer holds the write lock: then skip the close frame rather than
        // wait, since closing the socket is what unblocks it.
        boolean locked = false;
        try {
            locked = writeLock.tryLock(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (locked) sendClose(code, reason);
        } catch (IOException ignored) {
            // Closing anyway.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (locked) writeLock.unlock();
        }
        closeSocket();
    }

    private void closeSocket() {
        if (socketClosed) return;
        socketClosed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
        pendingPings.values().forEach(f -> f.completeExceptionally(new EOFException("connection closed")));
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public String toString() {
        return "WebSocket " + (client ? "to " : "from ") + peer;
    }

    private final class MessageInputStream extends InputStream {
        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        private boolean fill() throws IOException {
            while (position >= current.length) {
                if (ended) return false;
                byte[] next = readMessage();
                if (next == null) {
                    ended = true;
                    return false;
                }
                current = next;
                position = 0;
            }
            return true;
        }

        @Override
        public synchronized int read() throws IOException {
            return fill() ? current[position++] & 0xFF : -1;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!fill()) return -1;
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public synchronized int available() {
            return current.length - position;
        }

        @Override
        public void close() throws IOException {
            WebSocketConnection.this.close();
        }
    }

    private final class MessageOutputStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            sendBinary(new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            // Message boundaries mean nothing to libp2p: one unfragmented message per 64 KiB keeps every
            // message well inside what peers accept.
            for (int sent = 0; sent < len; sent += OUTGOING_FRAGMENT) {
                int n = Math.min(OUTGOING_FRAGMENT, len - sent);
                sendBinary(b, off + sent, n, n);
            }
        }

        @Override
        public void close() throws IOException {
            WebSocketConnection.this.close();
        }
    }
}
