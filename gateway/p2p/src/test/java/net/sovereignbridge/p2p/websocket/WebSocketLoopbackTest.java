package net.sovereignbridge.p2p.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multistream.MultistreamSelect;
import net.sovereignbridge.p2p.noise.NoiseSecureChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our client against our server over loopback TCP, and hostile raw clients against our server. */
@Timeout(60)
class WebSocketLoopbackTest {
    private final SecureRandom random = new SecureRandom();
    private final WebSocketConnector transport = new WebSocketConnector(
            new WebSocketLimits(1024, 4096, 16384, 1000, 1000), random, 5000);
    private WebSocketConnector.Listener listener;
    private Multiaddr address;

    @BeforeEach
    void listen() throws Exception {
        listener = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
        address = listener.address();
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
    }

    private CompletableFuture<WebSocketConnection> acceptAsync() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void listenerAddressHasTheBoundPort() {
        assertTrue(address.toString().matches("/ip4/127\\.0\\.0\\.1/tcp/[1-9][0-9]*/ws"), address.toString());
        assertTrue(WebSocketConnector.handles(address));
    }

    @Test
    void ipv6LoopbackListenAndDialWithABracketedHostHeader() throws Exception {
        try (WebSocketConnector.Listener l6 = transport.listen(Multiaddr.parse("/ip6/::1/tcp/0/ws"))) {
            assertTrue(l6.address().toString().matches("/ip6/::1/tcp/[1-9][0-9]*/ws"), l6.address().toString());
            CompletableFuture<WebSocketConnection> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return l6.accept();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            WebSocketConnection client = transport.dial(l6.address());
            WebSocketConnection server = accepted.get(5, TimeUnit.SECONDS);
            assertEquals(List.of("[::1]:" + l6.address().components().get(1).valueText()),
                    List.of(WebSocketConnector.target(l6.address()).hostHeader()));
            client.sendBinary(new byte[] {6});
            assertArrayEquals(new byte[] {6}, server.readMessage());
            client.close();
        }
    }

    @Test
    void fragmentedMessagesPingAndCloseHandshakeBetweenOurClientAndServer() throws Exception {
        CompletableFuture<WebSocketConnection> accepted = acceptAsync();
        WebSocketConnection client = transport.dial(address);
        WebSocketConnection server = accepted.get(5, TimeUnit.SECONDS);
        assertEquals("/", server.path());
        byte[] message = new byte[15000];
        random.nextBytes(message);
        client.sendBinary(message, 0, message.length, 1000); // 15 fragments, each inside the 4096-byte frame limit
        assertArrayEquals(message, server.readMessage());
        CompletableFuture<Void> pong = server.ping("p1".getBytes(StandardCharsets.US_ASCII));
        server.sendBinary(new byte[] {9});
        assertArrayEquals(new byte[] {9}, client.readMessage()); // the client answers the ping while reading
        CompletableFuture<byte[]> serverRead = CompletableFuture.supplyAsync(() -> {
            try {
                return server.readMessage();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        pong.get(5, TimeUnit.SECONDS);
        client.close(4001, "going");
        assertNull(serverRead.get(5, TimeUnit.SECONDS));
        assertEquals(4001, server.closeCode());
        assertEquals("going", server.closeReason());
        assertEquals(4001, client.closeCode());
        assertTrue(server.socket().isClosed() && client.socket().isClosed());
    }

    @Test
    void multistreamAndNoiseRunOverTheStreamViewAsOverTcp() throws Exception {
        NodeIdentity serverId = NodeIdentity.generate(random);
        NodeIdentity clientId = NodeIdentity.generate(random);
        byte[] data = new byte[200_000];
        random.nextBytes(data);
        WebSocketConnector roomy = new WebSocketConnector();
        try (WebSocketConnector.Listener l = roomy.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"))) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (WebSocketConnection ws = l.accept()) {
                    InputStream in = ws.inputStream();
                    OutputStream out = ws.outputStream();
                    assertEquals("/noise", MultistreamSelect.handle(in, out, List.of("/noise")));
                    NoiseSecureChannel ch = NoiseSecureChannel.accept(in, out, serverId, random);
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    while (got.size() < data.length) got.writeBytes(ch.read());
                    return got.toByteArray();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            WebSocketConnection ws = roomy.dial(l.address());
            assertEquals("/noise", MultistreamSelect.select(ws.inputStream(), ws.outputStream(), List.of("/noise")));
            NoiseSecureChannel ch = NoiseSecureChannel.dial(ws.inputStream(), ws.outputStream(), clientId,
                    PeerId.toBytes(serverId.publicIdentity().publicKey()), random);
            ch.write(data, 0, data.length);
            assertArrayEquals(data, received.get(10, TimeUnit.SECONDS));
            ws.close();
        }
    }

    @Test
    void unmaskedFrameFromAClientIsClosedWith1002AndAReason() throws Exception {
        byte[] close = rawClient(HexFormat.of().parseHex("820548656c6c6f"));
        assertEquals(0x88, close[0] & 0xFF);
        assertEquals(1002, ((close[2] & 0xFF) << 8) | (close[3] & 0xFF));
        assertTrue(new String(close, 4, close.length - 4, StandardCharsets.UTF_8).contains("unmasked"));
    }

    @Test
    void anAnnouncedFrameOverTheLimitIsClosedWith1009BeforeAnyPayload() throws Exception {
        // Masked binary frame announcing 1 GiB; no payload follows.
        byte[] close = rawClient(HexFormat.of().parseHex("82ff0000000040000000" + "01020304"));
        assertEquals(1009, ((close[2] & 0xFF) << 8) | (close[3] & 0xFF));
    }

    @Test
    void fragmentsPastTheMessageLimitAreClosedWith1009() throws Exception {
        byte[] mask = {1, 2, 3, 4};
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        frames.writeBytes(WebSocketFrame.encode(false, WebSocketFrame.BINARY, chunk, 0, chunk.length, mask));
        for (int i = 0; i < 4; i++) {
            frames.writeBytes(WebSocketFrame.encode(false, WebSocketFrame.CONTINUATION, chunk, 0, chunk.length, mask));
        }
        byte[] close = rawClient(frames.toByteArray());
        assertEquals(1009, ((close[2] & 0xFF) << 8) | (close[3] & 0xFF));
    }

    @Test
    void aContinuationWithoutAMessageAndAnInvalidCloseCodeAreProtocolErrors() throws Exception {
        byte[] mask = {1, 2, 3, 4};
        byte[] close = rawClient(WebSocketFrame.encode(true, WebSocketFrame.CONTINUATION, new byte[3], 0, 3, mask));
        assertEquals(1002, ((close[2] & 0xFF) << 8) | (close[3] & 0xFF));
        byte[] badCode = {0x03, (byte) 0xED}; // 1005 must never be on the wire
        close = rawClient(WebSocketFrame.encode(true, WebSocketFrame.CLOSE, badCode, 0, 2, mask));
        assertEquals(1002, ((close[2] & 0xFF) << 8) | (close[3] & 0xFF));
        byte[] badUtf8 = {0x03, (byte) 0xE8, (byte) 0xC3, 0x28};
        close = rawClient(WebSocketFrame.encode(true, WebSocketFrame.CLOSE, badUtf8, 0, 4, mask));
        assertEquals(1007, ((close[2] & 0xFF) << 8) | (close[3] & 0xFF));
    }

    @Test
    void aSlowHandshakeTimesOutAndTheListenerServesTheNextClient() throws Exception {
        CompletableFuture<Exception> first = CompletableFuture.supplyAsync(() -> {
            try {
                listener.accept();
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), port())) {
            slow.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            Exception e = first.get(5, TimeUnit.SECONDS);
            assertTrue(e instanceof java.net.SocketTimeoutException, String.valueOf(e));
            assertEquals(-1, slow.getInputStream().read()); // we hung up on it
        }
        CompletableFuture<WebSocketConnection> accepted = acceptAsync();
        WebSocketConnection client = transport.dial(address);
        client.sendBinary(new byte[] {42});
        assertArrayEquals(new byte[] {42}, accepted.get(5, TimeUnit.SECONDS).readMessage());
    }

    /** Handshakes by hand on a raw socket, sends {@code frames}, returns the server's close frame. */
    private byte[] rawClient(byte[] frames) throws Exception {
        CompletableFuture<Exception> server = CompletableFuture.supplyAsync(() -> {
            try {
                WebSocketConnection ws = listener.accept();
                ws.readMessage();
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String[] head = WebSocketHandshake.readHead(in, 1024, "response");
            assertEquals("HTTP/1.1 101 Switching Protocols", head[0]);
            try {
                out.write(frames);
            } catch (java.net.SocketException closedWhileWriting) {
                // The server may close as soon as it has read the offending header.
            }
            WebSocketFrame close = WebSocketFrame.read(in, false, 125);
            assertEquals(WebSocketFrame.CLOSE, close.opcode());
            Exception e = server.get(5, TimeUnit.SECONDS);
            assertTrue(e instanceof WebSocketException, String.valueOf(e));
            return close.encode(null);
        }
    }

    private int port() {
        return Integer.parseInt(address.components().get(1).valueText());
    }
}
