package net.sovereignbridge.app.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's "done when": a message to an offline node is delivered after it comes back, across a restart
 * of the destination and a kill -9 of the sender, with real daemons.
 */
class StoreAndForwardTest {
    @TempDir
    Path dir;

    @Test
    void messageToOfflineNodeSurvivesKillNineOfTheSenderAndArrivesWhenTheNodeReturns() throws Exception {
        int discovery = Daemon.freeUdpPort();
        int portA = Daemon.freeUdpPort();
        int portB = Daemon.freeUdpPort();
        Path cfgA = Daemon.loopbackConfig(dir, "alpha", discovery, true);
        Path cfgB = Daemon.loopbackConfig(dir, "bravo", discovery, true);
        String addressB;
        Daemon a = Daemon.start(dir.resolve("a"), portA, cfgA);
        try {
            try (Daemon b = Daemon.start(dir.resolve("b"), portB, cfgB)) {
                addressB = b.address();
                Daemon.await("A to learn B", 45, () -> Daemon.knowsPeer(addressB).test(a.status()));
                b.terminate();
            }
            // B is offline now. A accepts the message and holds it.
            Daemon.Result sent = a.cliHere("send", addressB, "waited for you");
            assertEquals(ExitCodes.OK, sent.exit(), sent.toString());
            Map<?, ?> msg = (Map<?, ?>) ((List<?>) a.cliHere("messages", "--json").json().get("messages")).get(0);
            assertTrue(List.of("queued", "sent").contains(msg.get("state")), msg.toString());
            a.kill();
        } finally {
            a.close();
        }
        try (Daemon a2 = Daemon.start(dir.resolve("a"), portA, cfgA);
                Daemon b2 = Daemon.start(dir.resolve("b"), portB, cfgB)) {
            Daemon.await("the held message in B's inbox", 60, () -> {
                Daemon.Result r = b2.cliHere("inbox", "--json");
                return r.exit() == 0 && r.out().contains("waited for you");
            });
            Daemon.await("A to see the message delivered", 60, () -> {
                Map<?, ?> m = (Map<?, ?>) ((List<?>) a2.cliHere("messages", "--json").json().get("messages")).get(0);
                return "delivered".equals(m.get("state"));
            });
            Daemon.Result inbox = b2.cliHere("inbox", "--json");
            assertEquals(1, ((List<?>) inbox.json().get("messages")).size(), "delivered exactly once");
        }
    }
}
