package net.sovereignbridge.p2p.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class WebSocketHandshakeTest {
    /** Found by fuzzing: joining repeated header names line by line copied the growing value each time. */
    @Test
    void repeatedHeaderNamesAreJoinedInLinearTime() throws IOException {
        StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\n");
        int repeats = 0;
        while (head.length() < 8000) {
            head.append("B:x\r\n");
            repeats++;
        }
        head.append("\r\n");
        String[] lines = WebSocketHandshake.readHead(new ByteArrayInputStream(head.toString().getBytes(StandardCharsets.ISO_8859_1)),
                8192, "request");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        WebSocketHandshake.parseHeaders(lines); // warm up: class loading is not what is measured
        long before = threads.getCurrentThreadAllocatedBytes();
        java.util.Map<String, String> headers = WebSocketHandshake.parseHeaders(lines);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(("x, ".repeat(repeats)).substring(0, 3 * repeats - 2), headers.get("b"));
        // Quadratic joining allocated 4.1 MB here (1597 lines, the value copied on every one); linear joining well under 0.1 MB.
        assertTrue(allocated < 2_000_000, repeats + " repeated headers allocated " + allocated + " bytes");
    }

    private static final String RFC_REQUEST = "GET /chat HTTP/1.1\r\n"
            + "Host: server.example.com\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Origin: http://example.com\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";

    @Test
    void acceptKeyIsTheRfc6455Example() {
        // RFC 6455 section 1.3.
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void serverAnswersTheRfcRequestWith101AndTheAcceptKey() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WebSocketHandshake.Request r = WebSocketHandshake.accept(stream(RFC_REQUEST), out, WebSocketLimits.DEFAULT);
        assertEquals("/chat", r.path());
        assertEquals("http://example.com", r.headers().get("origin"));
        assertEquals("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void headerNamesAndTokensAreCaseInsensitiveAndListsAreSplit() throws IOException {
        String request = RFC_REQUEST.replace("Upgrade: websocket", "UPGRADE: WebSocket")
                .replace("Connection: Upgrade", "connection: keep-alive, Upgrade");
        WebSocketHandshake.accept(stream(request), new ByteArrayOutputStream(), WebSocketLimits.DEFAULT);
    }

    @Test
    void theHeadIsReadExactlySoTheFirstFrameStaysInTheStream() throws IOException {
        ByteArrayInputStream in = stream(RFC_REQUEST + "\u0082\u0080rest");
        WebSocketHandshake.accept(in, new ByteArrayOutputStream(), WebSocketLimits.DEFAULT);
        assertEquals(0x82, in.read());
    }

    @Test
    void wrongVersionGets426WithTheSupportedVersion() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WebSocketException e = assertThrows(WebSocketException.class, () -> WebSocketHandshake.accept(
                stream(RFC_REQUEST.replace("Version: 13", "Version: 8")), out, WebSocketLimits.DEFAULT));
        assertEquals(426, e.closeCode());
        String response = out.toString(StandardCharsets.US_ASCII);
        assertTrue(response.startsWith("HTTP/1.1 426 Upgrade Required\r\n"), response);
        assertTrue(response.contains("Sec-WebSocket-Version: 13\r\n"), response);
    }

    @Test
    void badRequestsAreRefusedWithAReason() {
        assertRefused(400, "Sec-WebSocket-Key", RFC_REQUEST.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ="));
        assertRefused(400, "Sec-WebSocket-Key", RFC_REQUEST.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""));
        assertRefused(400, "Upgrade", RFC_REQUEST.replace("Upgrade: websocket", "Upgrade: h2c"));
        assertRefused(400, "Connection", RFC_REQUEST.replace("Connection: Upgrade", "Connection: close"));
        assertRefused(400, "Host", RFC_REQUEST.replace("Host: server.example.com\r\n", ""));
        assertRefused(405, "POST", RFC_REQUEST.replace("GET /chat", "POST /chat"));
        assertRefused(400, "HTTP/1.0", RFC_REQUEST.replace("HTTP/1.1", "HTTP/1.0"));
        assertRefused(400, "control byte", RFC_REQUEST.replace("Origin: http", "Origin: \u0001http"));
        assertRefused(400, "folded", RFC_REQUEST.replace("Origin: http://example.com\r\n", "Origin: a\r\n b\r\n"));
        assertRefused(400, "no name", RFC_REQUEST.replace("Origin: http://example.com", "no colon here"));
    }

    @Test
    void anOversizedHeadIsRefusedWith431AtTheLimit() {
        String big = RFC_REQUEST.replace("Origin: http://example.com", "X-Pad: " + "a".repeat(10_000));
        ByteArrayInputStream in = stream(big);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WebSocketException e = assertThrows(WebSocketException.class,
                () -> WebSocketHandshake.accept(in, out, WebSocketLimits.DEFAULT));
        assertEquals(431, e.closeCode());
        // It stopped reading at the limit instead of buffering the whole head.
        assertEquals(big.length() - WebSocketLimits.DEFAULT.maxHandshakeBytes() - 1, in.available());
        assertTrue(out.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 431 "));
    }

    @Test
    void clientChecksTheAcceptKey() {
        String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        WebSocketException e = assertThrows(WebSocketException.class, () -> WebSocketHandshake.connect(stream(response),
                new ByteArrayOutputStream(), "h:1", "/", new SecureRandom(), WebSocketLimits.DEFAULT));
        assertTrue(e.getMessage().contains("Sec-WebSocket-Accept"), e.getMessage());
        WebSocketException notUpgraded = assertThrows(WebSocketException.class, () -> WebSocketHandshake.connect(
                stream("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), new ByteArrayOutputStream(), "h:1", "/",
                new SecureRandom(), WebSocketLimits.DEFAULT));
        assertTrue(notUpgraded.getMessage().contains("404"), notUpgraded.getMessage());
    }

    @Test
    void clientRequestHasAFreshBase64KeyOf16Bytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            WebSocketHandshake.connect(stream(""), out, "127.0.0.1:80", "/", new SecureRandom(), WebSocketLimits.DEFAULT);
        } catch (IOException expected) {
            // No answer: only the request matters here.
        }
        WebSocketHandshake.Request r = WebSocketHandshake.accept(
                new ByteArrayInputStream(out.toByteArray()), new ByteArrayOutputStream(), WebSocketLimits.DEFAULT);
        assertEquals(16, java.util.Base64.getDecoder().decode(r.headers().get("sec-websocket-key")).length);
        assertEquals("127.0.0.1:80", r.headers().get("host"));
    }

    @Property(tries = 1000)
    void randomHeadsGiveTypedErrorsOnly(@ForAll byte[] bytes) {
        try {
            WebSocketHandshake.accept(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(), WebSocketLimits.DEFAULT);
        } catch (IOException expected) {
            // WebSocketException or EOFException: both are IOExceptions the listener logs.
        }
    }

    private static void assertRefused(int status, String reasonPart, String request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WebSocketException e = assertThrows(WebSocketException.class,
                () -> WebSocketHandshake.accept(stream(request), out, WebSocketLimits.DEFAULT));
        assertEquals(status, e.closeCode(), e.getMessage());
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
        String response = out.toString(StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        assertTrue(response.contains(e.getMessage()), response);
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
