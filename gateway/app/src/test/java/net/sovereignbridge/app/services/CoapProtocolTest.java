package net.sovereignbridge.app.services;

import static net.sovereignbridge.app.services.LocalTools.coapRequest;
import static net.sovereignbridge.app.services.LocalTools.coapUri;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.sovereignbridge.app.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * CoAP protocol rules at the edges: critical options we do not implement (RFC 7252 5.4.1), proxying we do not
 * offer (5.7.2), and request sizes: a request up to the documented limits in one datagram is served however
 * large the datagram, and one beyond them gets 4.13 with Size1 (RFC 7959 4) instead of silence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoapProtocolTest {
    LocalTools.LanPair pair;
    Gateway alpha;
    String b;

    @BeforeAll
    void start() throws Exception {
        LocalTools.coapClient();
        pair = LocalTools.LanPair.start("services-protocol", LocalTools.COAP_ON_LOOPBACK, LocalTools.COAP_ON_LOOPBACK);
        alpha = pair.alpha;
        b = pair.bravo.identity().address().toHex();
    }

    @AfterAll
    void stop() throws Exception {
        if (pair != null) pair.close();
    }

    @Test
    void criticalOptionsWeDoNotImplementGetBadOption() throws Exception {
        // If-Match (1), OSCORE (9), Q-Block1 (19), an unassigned odd number (13), a private-use one (65001)
        for (String option : new String[] {"1,x", "9,x", "19,x", "13,x", "65001,x"}) {
            LocalTools.Result r = coapRequest("-O", option, "-m", "get", coapUri(alpha, "/node"));
            assertTrue(r.out().contains("4.02") || r.err().contains("4.02"), option + ": " + r);
            assertTrue(!r.out().contains("\"address\""), option + " must not be served: " + r);
        }
        // an elective option we do not know (even number) is ignored, as it should be
        LocalTools.Result elective = coapRequest("-O", "65000,x", "-m", "get", coapUri(alpha, "/node"));
        assertTrue(elective.out().contains("\"address\""), elective.toString());
    }

    @Test
    void proxyRequestsAreRefused() throws Exception {
        LocalTools.Result r = coapRequest("-P", "coap://127.0.0.1:" + alpha.services().coap().port("coap"), "-m", "get",
                "coap://example.net/node");
        assertTrue(r.out().contains("5.05") || r.err().contains("5.05"), r.toString());
    }

    /** One POST /msg in one datagram (no Block1), as a constrained device with a large MTU would send it. */
    private Reply postInOneDatagram(byte[] payload) throws Exception {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0x44, 0x02, 0x12, 0x34, 1, 2, 3, 4}); // CON POST, MID, 4-byte token
        m.write(0xb3); // Uri-Path (11) "msg"
        m.writeBytes("msg".getBytes(StandardCharsets.US_ASCII));
        m.write(0x11); // Content-Format (12) = 50, application/json
        m.write(50);
        m.write(0xff);
        m.writeBytes(payload);
        byte[] request = m.toByteArray();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(10_000);
            s.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(),
                    alpha.services().coap().port("coap")));
            DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
            while (true) {
                s.receive(p);
                byte[] d = java.util.Arrays.copyOf(p.getData(), p.getLength());
                int code = d[1] & 0xff;
                if (code != 0) return Reply.parse(d);
            }
        }
    }

    /** A response's code ("4.13"), Size1 (-1 when absent) and payload text. */
    record Reply(String code, int size1, String payload) {
        static Reply parse(byte[] d) {
            int tkl = d[0] & 0x0f;
            int i = 4 + tkl;
            int number = 0;
            int size1 = -1;
            while (i < d.length && (d[i] & 0xff) != 0xff) {
                int delta = (d[i] >> 4) & 0x0f;
                int len = d[i] & 0x0f;
                i++;
                if (delta == 13) delta = 13 + (d[i++] & 0xff);
                else if (delta == 14) { delta = 269 + ((d[i] & 0xff) << 8 | (d[i + 1] & 0xff)); i += 2; }
                if (len == 13) len = 13 + (d[i++] & 0xff);
                else if (len == 14) { len = 269 + ((d[i] & 0xff) << 8 | (d[i + 1] & 0xff)); i += 2; }
                number += delta;
                if (number == 60) {
                    size1 = 0;
                    for (int k = 0; k < len; k++) size1 = size1 << 8 | (d[i + k] & 0xff);
                }
                i += len;
            }
            String payload = i < d.length ? new String(d, i + 1, d.length - i - 1, StandardCharsets.UTF_8) : "";
            int code = d[1] & 0xff;
            return new Reply((code >> 5) + "." + String.format("%02d", code & 0x1f), size1, payload);
        }
    }

    private byte[] sendRequest(String text) {
        return ("{\"to\":\"" + b + "\",\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMessageOfTheDocumentedSizeIsServedInOneDatagram() throws Exception {
        // 4096 bytes of text: a 4.1 kB datagram, twice what used to be read
        Reply r = postInOneDatagram(sendRequest("y".repeat(SendRequest.MAX_BODY)));
        assertEquals("2.01", r.code(), r.toString());
        assertTrue(r.payload().contains("\"state\""), r.toString());
        // 2.01 means committed: another process (the sqlite3 shell) already finds it in custody
        long messageId = Long.parseLong(r.payload().replaceAll(".*\"messageId\":(\\d+).*", "$1"));
        Path db = pair.dir.resolve("alpha").resolve("sbridge.db");
        LocalTools.Result q = LocalTools.run(15, null, LocalTools.require("sqlite3", "sqlite3"), "-readonly",
                db.toString(), "SELECT count(*) FROM custody WHERE own = 1 AND message_id = " + (int) messageId);
        assertEquals("1", q.out().strip(), q.toString());
    }

    @Test
    void tooLargeRequestsGet413WithSize1() throws Exception {
        Reply longText = postInOneDatagram(sendRequest("y".repeat(SendRequest.MAX_BODY + 1)));
        assertEquals("4.13", longText.code(), longText.toString());
        assertEquals(SendRequest.MAX_BODY, longText.size1(), "Size1: the message limit; " + longText);

        Reply bigPayload = postInOneDatagram(sendRequest("y".repeat(SendRequest.MAX_PAYLOAD)));
        assertEquals("4.13", bigPayload.code(), bigPayload.toString());
        assertEquals(SendRequest.MAX_PAYLOAD, bigPayload.size1(), "Size1: the request limit; " + bigPayload);

        Reply huge = postInOneDatagram(sendRequest("y".repeat(60_000)));
        assertEquals("4.13", huge.code(), "a 60 kB datagram is read and answered: " + huge);

        // the same limit block-wise (libcoap sends Block1 pieces of 64 bytes)
        Path body = pair.dir.resolve("big.json");
        Files.write(body, sendRequest("y".repeat(SendRequest.MAX_PAYLOAD)));
        LocalTools.Result blockwise = coapRequest("-b", "64", "-m", "post", "-t", "50", "-f", body.toString(),
                coapUri(alpha, "/msg"));
        assertTrue((blockwise.out() + blockwise.err()).contains("4.13"), blockwise.toString());
    }

    @Test
    void aLoneSurrogateIsRefusedNotStoredAsAQuestionMark() throws Exception {
        Reply lone = postInOneDatagram(sendRequest("half a smiley \\ud83d"));
        assertEquals("4.00", lone.code(), lone.toString());
        assertTrue(lone.payload().contains("lone surrogate \\ud83d"), lone.toString());
        Reply pair = postInOneDatagram(sendRequest("a whole smiley \\ud83d\\ude00"));
        assertEquals("2.01", pair.code(), "an escaped surrogate pair is one character: " + pair);
    }
}
