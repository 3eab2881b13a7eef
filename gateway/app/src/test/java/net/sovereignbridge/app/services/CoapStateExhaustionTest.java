package net.sovereignbridge.app.services;

import static net.sovereignbridge.app.services.LocalTools.coapUri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.app.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * CoAP state exhaustion by another local user: a thousand Observe registrations, a thousand NON requests
 * (each answer needs a message ID for a new peer) and a thousand abandoned Block1 uploads, each from its own
 * source port, sent as Unix user nobody by a raw CoAP client ({@code CoapFlood.java}). The gateway's own
 * user, with libcoap's coap-client, must still be served at once: an observer of {@code /msg} is notified of
 * a delivery, and a block-wise upload to {@code /msg} completes. Before the limits both failed for minutes
 * (no message IDs for new peers for 10 minutes; every Block1 status slot held for 5 minutes, 4.08).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoapStateExhaustionTest {
    static final int FLOOD = 1000;
    LocalTools.LanPair pair;
    Gateway alpha;
    Gateway bravo;
    String b;

    @BeforeAll
    void start() throws Exception {
        LocalTools.coapClient();
        pair = LocalTools.LanPair.start("services-exhaustion", LocalTools.COAP_ON_LOOPBACK, LocalTools.COAP_ON_LOOPBACK);
        alpha = pair.alpha;
        bravo = pair.bravo;
        b = bravo.identity().address().toHex();
    }

    @AfterAll
    void stop() throws Exception {
        if (pair != null) pair.close();
    }

    private Map<String, Object> coapStatus() {
        return LocalTools.serviceStatus(alpha, "coap");
    }

    private static long number(Map<String, Object> m, String key) {
        return LocalTools.counter(m, key);
    }

    /** Runs one flood to its summary line; the attacker's sockets stay open for {@code hold} seconds. */
    private LocalTools.Background flood(String path, String type, String method, String mode, int hold)
            throws Exception {
        LocalTools.Background f = LocalTools.coapFlood(alpha.services().coap().port("coap"), path, FLOOD, type,
                method, mode, hold);
        assertTrue(summary(f).startsWith("sent " + FLOOD + " "), summary(f));
        return f;
    }

    private static String summary(LocalTools.Background flood) throws InterruptedException {
        return flood.awaitLine("the flood's summary", 90, l -> l.startsWith("sent "));
    }

    /** N of "code=N" in a flood summary, 0 when absent. */
    private static int count(String summary, String code) {
        var m = java.util.regex.Pattern.compile("[{ ]" + java.util.regex.Pattern.quote(code) + "=(\\d+)").matcher(summary);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    @Test
    void ownersObserverIsNotifiedAfterAThousandObserversAndAThousandNewPeers() throws Exception {
        int port = alpha.services().coap().port("coap");
        try (LocalTools.Background observers = flood("topics/flood", "CON", "GET", "observe", 120);
                LocalTools.Background newPeers = flood("node", "NON", "GET", "plain", 120)) {
            Map<String, Object> s = coapStatus();
            assertTrue(number(s, "observers") <= 64, "observe relations are bounded: " + s);
            assertTrue(number(s, "observersRefused") >= count(summary(observers), "2.05") - 8,
                    "the stranger got at most its share: " + s);
            // the gateway's own user observes /msg with libcoap
            long before = number(s, "observers");
            try (LocalTools.Background owner = new LocalTools.Background("stdbuf", "-oL", LocalTools.coapClient(), "-s",
                    "60", "-B", "60", "-m", "get", "coap://127.0.0.1:" + port + "/msg")) {
                LocalTools.await("the owner's observe relation", 15, () -> number(coapStatus(), "observers") > before);
                long sentAt = System.nanoTime();
                bravo.node().send(alpha.identity().address(), "after the flood".getBytes(StandardCharsets.UTF_8), SendOptions.defaults());
                String note = owner.awaitLine("the owner's notification of the delivery", 20,
                        l -> l.contains("after the flood"));
                assertTrue(note.contains("\"from\":\"" + b + "\""), note);
                System.out.printf("owner notified %.0f ms after the send; coap status %s%n",
                        (System.nanoTime() - sentAt) / 1e6, coapStatus());
            }
            assertTrue(observers.alive() && newPeers.alive(), "the stranger still holds its sockets");
        }
    }

    @Test
    void ownersBlockwiseUploadCompletesAfterAThousandAbandonedUploads() throws Exception {
        try (LocalTools.Background uploads = flood("upload", "CON", "POST", "block1", 120)) {
            String summary = summary(uploads);
            Map<String, Object> s = coapStatus();
            assertTrue(number(s, "uploads") <= 32, "unfinished uploads are bounded: " + s);
            // 2.31 Continue: an upload admitted; a flood this fast also overruns the socket buffer (no answer)
            int continued = count(summary, "2.31");
            assertTrue(continued <= 4, "the stranger got at most its share of upload slots: " + summary);
            assertEquals(FLOOD, continued + count(summary, "5.03") + count(summary, "none"), summary);
            assertTrue(number(s, "uploadsRefused") >= count(summary, "5.03"), s + " " + summary);
            String text = "upload after the flood " + "0123456789".repeat(300);
            Path body = pair.dir.resolve("upload.json");
            Files.writeString(body, "{\"to\":\"" + b + "\",\"text\":\"" + text + "\"}");
            LocalTools.Result post = LocalTools.coapRequest("-b", "64", "-m", "post", "-t", "50", "-f", body.toString(),
                    coapUri(alpha, "/msg"));
            assertEquals(0, post.exit(), post.toString());
            assertTrue(post.out().contains("\"state\":\"sent\"") || post.out().contains("\"state\":\"queued\""),
                    "2.01 with the receipt: " + post);
            LocalTools.await("the upload in bravo's inbox", 20, () -> {
                try {
                    return bravo.node().inbox().list(0, 1000).stream().anyMatch(m -> m.body().length == text.length());
                } catch (java.sql.SQLException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }
}
