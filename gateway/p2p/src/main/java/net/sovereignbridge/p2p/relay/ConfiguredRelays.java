package net.sovereignbridge.p2p.relay;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds reservations on configured relays: listens on {@code <relay>/p2p-circuit} for each, in the
 * background, retrying with backoff (1 s doubling to 5 min) until the first reservation succeeds; the
 * circuit transport renews it from then on. A relay that is down at start therefore delays nothing.
 */
public final class ConfiguredRelays {
    private static final Logger log = LoggerFactory.getLogger(ConfiguredRelays.class);
    private static final Duration FIRST = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofMinutes(5);

    private ConfiguredRelays() {}

    /** @param relays addresses ending in /p2p/RELAY */
    public static void keep(Host host, List<Multiaddr> relays) {
        for (Multiaddr r : relays) {
            Multiaddr circuit;
            try {
                circuit = r.with(Multiaddr.Protocol.P2P_CIRCUIT, new byte[0]);
            } catch (MultiaddrException e) {
                log.error("relay {}: {}", r, e.getMessage());
                continue;
            }
            attempt(host, circuit, FIRST);
        }
    }

    private static void attempt(Host host, Multiaddr circuit, Duration wait) {
        try {
            host.execute(() -> {
                try {
                    Multiaddr a = host.listen(circuit);
                    log.info("reachable through relay: {}/p2p/{}", a, host.peerId());
                } catch (IOException | RuntimeException e) {
                    log.warn("no reservation on relay {} yet (again in {} s): {}", circuit, wait.toSeconds(), e.getMessage());
                    Duration next = wait.multipliedBy(2).compareTo(MAX) > 0 ? MAX : wait.multipliedBy(2);
                    host.deadline(() -> attempt(host, circuit, next), wait);
                }
            });
        } catch (RejectedExecutionException e) {
            // the host is closed: nothing to keep
        }
    }
}
