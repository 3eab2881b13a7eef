package net.sovereignbridge.app.coap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.Test;

class CoapMessageIdsTest {
    static {
        CoapConfig.register();
    }

    @Test
    void newPeersAlwaysGetIdsAndObserversKeepTheirSequence() {
        InetSocketAddress observer = new InetSocketAddress("127.0.0.1", 40000);
        PeerMessageIds ids = new PeerMessageIds(16, Configuration.createStandardWithoutFile(), observer::equals);
        int first = ids.getNextMessageId(observer);
        // a thousand peers, far more than the 16 tracked: each still gets an ID
        for (int port = 50000; port < 51000; port++) {
            int mid = ids.getNextMessageId(new InetSocketAddress("127.0.0.1", port));
            assertTrue(mid >= 0 && mid < 65000, "mid " + mid);
        }
        assertEquals(16, ids.peers(), "bounded");
        assertEquals(1000 + 1 - 16, ids.replaced());
        // the observer was never replaced: its IDs continue in sequence (a new tracker starts at random)
        assertEquals((first + 1) % 65000, ids.getNextMessageId(observer));
    }
}
