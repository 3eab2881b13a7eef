package net.sovereignbridge.p2p.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import org.junit.jupiter.api.Test;

/** Our dialler against our listener over a loopback TCP socket (against js-libp2p: p2p.host.HostJsInteropTest). */
class NoiseSecureChannelTest {
    private final SecureRandom random = new SecureRandom();
    private final NodeIdentity server = NodeIdentity.generate(random);
    private final NodeIdentity client = NodeIdentity.generate(random);

    @Test
    void oneMebibyteCrossesIntactAndIdentitiesAreVerified() throws Exception {
        byte[] data = new byte[1 << 20];
        random.nextBytes(data);
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = ss.accept()) {
                    NoiseSecureChannel ch = NoiseSecureChannel.accept(s.getInputStream(), s.getOutputStream(), server, random);
                    assertArrayEquals(client.publicIdentity().publicKey(), ch.remoteIdentityKey());
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    while (got.size() < data.length) got.writeBytes(ch.read());
                    return got.toByteArray();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
                byte[] expected = PeerId.toBytes(server.publicIdentity().publicKey());
                NoiseSecureChannel ch = NoiseSecureChannel.dial(c.getInputStream(), c.getOutputStream(), client, expected, random);
                assertArrayEquals(server.publicIdentity().publicKey(), ch.remoteIdentityKey());
                ch.write(data, 0, data.length);
                assertArrayEquals(data, received.get());
            }
        }
    }

    @Test
    void dialFailsWhenTheListenerIsNotTheDialledPeer() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> {
                try (Socket s = ss.accept()) {
                    NoiseSecureChannel.accept(s.getInputStream(), s.getOutputStream(), server, random);
                } catch (Exception expected) {
                    // the dialler hangs up after message 2
                }
            });
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
                byte[] someoneElse = PeerId.toBytes(NodeIdentity.generate(random).publicIdentity().publicKey());
                assertThrows(NoiseException.class, () ->
                    NoiseSecureChannel.dial(c.getInputStream(), c.getOutputStream(), client, someoneElse, random));
            }
        }
    }
}
