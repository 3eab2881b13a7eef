package net.sovereignbridge.p2p.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.multistream.MultistreamSelect;
import org.junit.jupiter.api.Test;

/** The hand-over from multistream-select to the muxer inside Noise loses no pipelined bytes. */
class NoiseDuplexTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void bytesBehindTheMultistreamAnswerInTheSameNoiseMessageReachTheMuxer() throws Exception {
        NodeIdentity a = NodeIdentity.generate(random);
        NodeIdentity b = NodeIdentity.generate(random);
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> listener = CompletableFuture.supplyAsync(() -> {
                try (Socket s = ss.accept()) {
                    NoiseSecureChannel ch = NoiseSecureChannel.accept(s.getInputStream(), s.getOutputStream(), b, random);
                    NoiseDuplex d = new NoiseDuplex(ch, s);
                    String agreed = MultistreamSelect.handle(d.input(), d.output(), List.of("/yamux/1.0.0"));
                    byte[] first = d.read(); // what came in the same message as the proposal
                    byte[] next = d.read();
                    byte[] end = d.read();
                    return agreed + "|" + new String(first, StandardCharsets.US_ASCII) + "|"
                            + new String(next, StandardCharsets.US_ASCII) + "|" + (end == null ? "EOF" : "more");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
                NoiseSecureChannel ch = NoiseSecureChannel.dial(c.getInputStream(), c.getOutputStream(), a, null, random);
                // header, proposal and the first muxer bytes in one Noise message, as a pipelining dialer sends them
                ByteArrayOutputStream m = new ByteArrayOutputStream();
                m.writeBytes(MultistreamSelect.encode(MultistreamSelect.HEADER));
                m.writeBytes(MultistreamSelect.encode("/yamux/1.0.0"));
                m.writeBytes("EARLY".getBytes(StandardCharsets.US_ASCII));
                byte[] msg = m.toByteArray();
                ch.write(msg, 0, msg.length);
                ch.write("LATER".getBytes(StandardCharsets.US_ASCII), 0, 5);
                NoiseDuplex d = new NoiseDuplex(ch, c);
                assertEquals(MultistreamSelect.HEADER, MultistreamSelect.readLine(d.input()));
                assertEquals("/yamux/1.0.0", MultistreamSelect.readLine(d.input()));
                c.shutdownOutput();
                assertEquals("/yamux/1.0.0|EARLY|LATER|EOF", listener.get(10, TimeUnit.SECONDS));
                assertNull(d.read(), "clean end of stream is null");
            }
        }
    }
}
