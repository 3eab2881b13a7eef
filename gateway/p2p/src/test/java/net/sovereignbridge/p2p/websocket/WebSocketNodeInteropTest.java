package net.sovereignbridge.p2p.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our WebSocket code against the `ws` npm package (src/test/js/ws-peer), both directions. */
@Timeout(120)
class WebSocketNodeInteropTest {
    private final WebSocketConnector transport = new WebSocketConnector();

    @Test
    void weDialNodeServerEchoFragmentedMegabytePingBothWaysAndClose() throws Exception {
        try (NodeScript node = NodeScript.start("ws-peer", "peer.mjs", "server")) {
            int port = Integer.parseInt(node.expect("LISTENING ", 30_000).split(" ")[1]);
            WebSocketConnection ws = transport.dial(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port + "/ws"));
            assertEquals("CONNECTED /", node.expect("CONNECTED", 10_000));
            byte[] big = new byte[1 << 20];
            new Random(5).nextBytes(big);
            // 16 frames of 64 KiB: ws reassembles the fragments into one message.
            ws.sendBinary(big, 0, big.length, WebSocketConnection.OUTGOING_FRAGMENT);
            assertEquals("MESSAGE binary 1048576 " + sha256(big), node.expect("MESSAGE", 10_000));
            // Reading the echo also answers ws's ping on connect ("from-node").
            assertArrayEquals(big, ws.readMessage());
            assertEquals("PONG from-node", node.expect("PONG", 10_000));
            CompletableFuture<Void> pong = ws.ping("from-java".getBytes(StandardCharsets.US_ASCII));
            byte[] small = {1, 2, 3};
            ws.sendBinary(small);
            assertArrayEquals(small, ws.readMessage());
            pong.get(10, TimeUnit.SECONDS);
            ws.close(1000, "bye");
            assertEquals("CLOSE 1000 bye", node.expect("CLOSE", 10_000));
            assertEquals(1000, ws.closeCode());
            assertNull(ws.readMessage());
        }
    }

    @Test
    void nodeClientEchoesThroughOurServerAndClosesWith4000() throws Exception {
        try (WebSocketConnector.Listener listener = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"))) {
            String url = "ws://127.0.0.1:" + listener.address().components().get(1).valueText() + "/";
            try (NodeScript node = NodeScript.start("ws-peer", "peer.mjs", "client", url, "echo")) {
                WebSocketConnection ws = listener.accept();
                node.expect("OPEN", 10_000);
                // Echo through the stream view, as libp2p would use the connection.
                byte[] buffer = new byte[8192];
                long echoed = 0;
                for (int n; (n = ws.inputStream().read(buffer)) > 0; ) {
                    ws.outputStream().write(buffer, 0, n);
                    echoed += n;
                }
                assertEquals(1024 + (1 << 20) + 65536, echoed);
                String echo = node.expect("ECHO", 10_000);
                assertTrue(echo.startsWith("ECHO 1115136 in ") && echo.endsWith(" identical"), echo);
                assertEquals("PONG from-node-client", node.expect("PONG", 10_000));
                // Node reports our answering close frame: the echoed status code, no reason.
                assertEquals("CLOSE 4000 ", node.expect("CLOSE", 10_000));
                assertEquals(4000, ws.closeCode());
                assertEquals("done", ws.closeReason());
                node.expectExit(10_000);
            }
        }
    }

    @Test
    void aTextMessageFromNodeIsClosedWith1003() throws Exception {
        assertNodeClientClosedWith("text", null, 1003);
    }

    @Test
    void anOversizedMessageFromNodeIsClosedWith1009() throws Exception {
        assertNodeClientClosedWith("big", String.valueOf((1 << 20) + 1), 1009);
    }

    private void assertNodeClientClosedWith(String action, String arg, int code) throws Exception {
        try (WebSocketConnector.Listener listener = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"))) {
            String url = "ws://127.0.0.1:" + listener.address().components().get(1).valueText() + "/";
            String[] args = arg == null ? new String[] {"client", url, action} : new String[] {"client", url, action, arg};
            try (NodeScript node = NodeScript.start("ws-peer", "peer.mjs", args)) {
                WebSocketConnection ws = listener.accept();
                WebSocketException e = assertThrows(WebSocketException.class, ws::readMessage);
                assertEquals(code, e.closeCode());
                String close = node.expect("CLOSE", 10_000);
                assertTrue(close.startsWith("CLOSE " + code + " "), close);
                assertTrue(close.length() > ("CLOSE " + code + " ").length(), "reason sent: " + close);
                assertEquals(code, ws.closeCode());
            }
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
