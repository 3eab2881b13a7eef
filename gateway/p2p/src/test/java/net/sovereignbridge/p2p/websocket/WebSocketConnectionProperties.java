package net.sovereignbridge.p2p.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * A hostile client on a real loopback socket sends random frame sequences (valid and broken frames,
 * random opcodes, reserved bits, fragments, control frames, raw garbage) to our server. The server's
 * reading must always end, with messages inside the limits, and when it fails the connection the
 * client must receive a close frame carrying the same status code.
 */
class WebSocketConnectionProperties {
    private static final WebSocketLimits LIMITS = new WebSocketLimits(1024, 256, 1024, 2000, 500);
    private static final Set<Integer> FAILURE_CODES = Set.of(1002, 1003, 1007, 1009);
    private static WebSocketConnector.Listener listener;

    private static synchronized WebSocketConnector.Listener listener() throws Exception {
        if (listener == null) {
            listener = new WebSocketConnector(LIMITS, new SecureRandom(), 2000).listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
        }
        return listener;
    }

    record Outcome(List<byte[]> messages, IOException failure) {}

    @Property(tries = 300, edgeCases = net.jqwik.api.EdgeCasesMode.NONE) // edge cases alone would use up all tries
    @net.jqwik.api.statistics.StatisticsReport(onFailureOnly = true)
    void hostileFrameSequencesEndWithAMatchingCloseCode(@ForAll("sequences") List<byte[]> chunks) throws Exception {
        WebSocketConnector.Listener l = listener();
        CompletableFuture<Outcome> server = CompletableFuture.supplyAsync(() -> {
            List<byte[]> messages = new java.util.ArrayList<>();
            try (WebSocketConnection ws = l.accept()) {
                try {
                    for (byte[] m; (m = ws.readMessage()) != null; ) messages.add(m);
                    return new Outcome(messages, null);
                } catch (IOException e) {
                    return new Outcome(messages, e);
                }
            } catch (IOException e) {
                return new Outcome(messages, e);
            }
        });
        int port = Integer.parseInt(l.address().components().get(1).valueText());
        WebSocketFrame serverClose = null;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            WebSocketHandshake.readHead(in, 1024, "response");
            try {
                for (byte[] c : chunks) out.write(c);
                s.shutdownOutput();
            } catch (IOException serverAlreadyClosed) {
                // The server failed the connection before we finished writing.
            }
            try {
                for (WebSocketFrame f; (f = WebSocketFrame.read(in, false, 125 + 65536)) != null; ) {
                    if (f.opcode() == WebSocketFrame.CLOSE) {
                        serverClose = f;
                        break;
                    }
                }
            } catch (IOException resetOrTruncated) {
                // A reset after the server's close is possible; what it sent before counts.
            }
        }
        Outcome o = server.get(10, TimeUnit.SECONDS);
        net.jqwik.api.statistics.Statistics.collect(o.failure() == null ? "closed cleanly"
                : o.failure() instanceof WebSocketException e ? "failed " + e.closeCode() : "ended abruptly",
                o.messages().isEmpty() ? "no message" : "messages");
        for (byte[] m : o.messages()) assertTrue(m.length <= LIMITS.maxMessageBytes(), "message of " + m.length);
        if (o.failure() instanceof WebSocketException e) {
            assertTrue(FAILURE_CODES.contains(e.closeCode()), "status " + e.closeCode() + ": " + e.getMessage());
            assertTrue(serverClose != null, "client got no close frame for " + e.getMessage());
            byte[] p = serverClose.payload();
            assertEquals(e.closeCode(), ((p[0] & 0xFF) << 8) | (p[1] & 0xFF));
        } else if (o.failure() != null) {
            assertTrue(o.failure() instanceof EOFException || o.failure() instanceof java.net.SocketException,
                    "unexpected " + o.failure());
        }
        net.jqwik.api.statistics.Statistics.coverage(c -> {
            c.checkQuery(v -> "messages".equals(v.get(1))).percentage(p -> p > 5);
            c.checkQuery(v -> "failed 1002".equals(v.get(0))).percentage(p -> p > 10);
            c.checkQuery(v -> "closed cleanly".equals(v.get(0)) || "ended abruptly".equals(v.get(0)))
                    .percentage(p -> p > 5);
        });
    }

    @Provide
    Arbitrary<List<byte[]>> sequences() {
        // Mostly the frames a libp2p peer sends, so that sequences get past the first frame; every
        // kind of breakage still turns up.
        Arbitrary<Integer> opcode = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(10, WebSocketFrame.BINARY), net.jqwik.api.Tuple.of(3, WebSocketFrame.CONTINUATION),
                net.jqwik.api.Tuple.of(3, WebSocketFrame.PING), net.jqwik.api.Tuple.of(1, WebSocketFrame.PONG),
                net.jqwik.api.Tuple.of(1, WebSocketFrame.CLOSE), net.jqwik.api.Tuple.of(1, WebSocketFrame.TEXT),
                net.jqwik.api.Tuple.of(1, 0x3), net.jqwik.api.Tuple.of(1, 0xB));
        Arbitrary<byte[]> frame = Combinators.combine(
                opcode,
                Arbitraries.integers().between(0, 29),                  // 0-7: FIN clear, 8: RSV1 set, else plain FIN
                Arbitraries.frequencyOf(                                 // payloads past the 256-byte frame limit too
                        net.jqwik.api.Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(200).ofMaxSize(300))),
                Arbitraries.integers().between(0, 39))                  // 0: unmasked (forbidden from a client)
                .as((op, flags, payload, maskChoice) -> {
                    boolean fin = flags > 7;
                    byte[] body = payload;
                    if ((op & 0x8) != 0 && payload.length > 125 && flags % 5 != 0) body = java.util.Arrays.copyOf(payload, 125);
                    if (op == WebSocketFrame.CLOSE && body.length >= 2 && flags % 3 != 0) {
                        body[0] = 0x03; // mostly a valid code: 1000 + the low byte's choice
                        body[1] = (byte) 0xE8;
                        body = java.util.Arrays.copyOf(body, 2);
                    }
                    byte[] mask = maskChoice == 0 ? null : new byte[] {1, (byte) maskChoice.intValue(), 3, 4};
                    byte[] f = WebSocketFrame.encode(fin, op, body, 0, body.length, mask);
                    if (flags == 8) f[0] |= 0x40;
                    return f;
                });
        Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(20);
        Arbitrary<byte[]> chunk = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, frame), net.jqwik.api.Tuple.of(1, garbage));
        return chunk.list().ofMaxSize(12);
    }
}
