package net.sovereignbridge.p2p.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import net.sovereignbridge.mesh.identity.NodeIdentity;

/** Echo server and client for the tests and benchmarks (protocol /sbridge/echo/1.0.0, as in peer.mjs). */
public final class StreamTools {
    public static final String ECHO = "/sbridge/echo/1.0.0";
    public static final String SINK = "/sbridge/sink/1.0.0";

    private StreamTools() {}

    /** A host with a fresh identity and default limits that echoes on {@link #ECHO}; not listening yet. */
    public static Libp2pHost echoHost() {
        Libp2pHost h = net.sovereignbridge.p2p.StandardHost.create(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults());
        h.setHandler(ECHO, StreamTools::echo);
        return h;
    }

    /** Echoes everything until the remote closes its side, then closes ours. */
    public static void echo(P2pStream s) throws IOException {
        InputStream in = s.input();
        OutputStream out = s.output();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            out.flush();
        }
        s.closeWrite();
    }

    /** Reads until EOF, answers with the SHA-256 of what it read. */
    public static void sink(P2pStream s) throws IOException {
        MessageDigest d = sha256();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = s.input().read(buf)) > 0) d.update(buf, 0, n);
        s.output().write(d.digest());
        s.output().flush();
        s.closeWrite();
    }

    public record EchoResult(long sent, String sentSha256, long received, String receivedSha256) {}

    /** Sends {@code total} pseudo-random bytes and reads the echo on another thread. */
    public static EchoResult echoClient(P2pStream s, int total, long seed) throws Exception {
        CompletableFuture<long[]> reading = new CompletableFuture<>();
        MessageDigest got = sha256();
        Thread reader = new Thread(() -> {
            try {
                byte[] buf = new byte[64 * 1024];
                long count = 0;
                int n;
                while ((n = s.input().read(buf)) > 0) {
                    got.update(buf, 0, n);
                    count += n;
                }
                reading.complete(new long[] {count});
            } catch (Throwable t) {
                reading.completeExceptionally(t);
            }
        }, "echo-client-reader");
        reader.start();
        MessageDigest sent = sha256();
        Random r = new Random(seed);
        byte[] chunk = new byte[16 * 1024];
        int left = total;
        while (left > 0) {
            int n = Math.min(left, chunk.length);
            r.nextBytes(chunk);
            sent.update(chunk, 0, n);
            s.output().write(chunk, 0, n);
            left -= n;
        }
        s.output().flush();
        s.closeWrite();
        long received = reading.get(60, java.util.concurrent.TimeUnit.SECONDS)[0];
        return new EchoResult(total, hex(sent.digest()), received, hex(got.digest()));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
