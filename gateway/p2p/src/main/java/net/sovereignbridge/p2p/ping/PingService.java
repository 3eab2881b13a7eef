package net.sovereignbridge.p2p.ping;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.host.HostService;
import net.sovereignbridge.p2p.host.P2pStream;

/**
 * Ping {@code /ipfs/ping/1.0.0}: the client writes 32 random bytes, the server echoes them; the round
 * trip is the time to the echo. A server stream answers at most {@link #MAX_PINGS_PER_STREAM} pings, so
 * one stream cannot keep a thread busy forever. A {@link HostService}: the builder adds it to serve ping;
 * {@link #ping(Host, String)} pings from any host.
 */
public final class PingService implements HostService {
    public static final String ID = "/ipfs/ping/1.0.0";
    public static final int SIZE = 32;
    public static final int MAX_PINGS_PER_STREAM = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public void attach(Host host) {
        host.setHandler(ID, this::serve);
    }

    /** One ping round trip to a connected peer (whether or not this host serves ping). */
    public static Duration ping(Host host, String remotePeerId) throws IOException {
        try (P2pStream s = host.newStream(remotePeerId, List.of(ID))) {
            return ping(s, RANDOM);
        }
    }

    public void serve(P2pStream s) throws IOException {
        InputStream in = s.input();
        OutputStream out = s.output();
        for (int i = 0; i < MAX_PINGS_PER_STREAM; i++) {
            byte[] b = in.readNBytes(SIZE);
            if (b.length == 0) break; // the client is done
            if (b.length != SIZE) throw new EOFException("ping stream ended inside a ping");
            out.write(b);
            out.flush();
        }
        s.closeWrite();
    }

    /** One round trip on an open ping stream. */
    public static Duration ping(P2pStream s, SecureRandom random) throws IOException {
        byte[] b = new byte[SIZE];
        random.nextBytes(b);
        long start = System.nanoTime();
        s.output().write(b);
        s.output().flush();
        byte[] echo = s.input().readNBytes(SIZE);
        long rtt = System.nanoTime() - start;
        if (!Arrays.equals(b, echo)) throw new IOException("ping answer from " + s.remotePeerId() + " does not match");
        return Duration.ofNanos(rtt);
    }
}
