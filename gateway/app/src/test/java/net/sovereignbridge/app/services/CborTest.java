package net.sovereignbridge.app.services;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CborTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void rfc8949AppendixAVectors() {
        // RFC 8949 appendix A: 0, 23, 24, 1000, 1000000, -1, -1000, "", "IETF", h'01020304', [1,[2,3]], {"a":1}
        assertArrayEquals(hex("00"), Cbor.encode(0L));
        assertArrayEquals(hex("17"), Cbor.encode(23L));
        assertArrayEquals(hex("1818"), Cbor.encode(24L));
        assertArrayEquals(hex("1903e8"), Cbor.encode(1000L));
        assertArrayEquals(hex("1a000f4240"), Cbor.encode(1000000L));
        assertArrayEquals(hex("20"), Cbor.encode(-1L));
        assertArrayEquals(hex("3903e7"), Cbor.encode(-1000L));
        assertArrayEquals(hex("60"), Cbor.encode(""));
        assertArrayEquals(hex("6449455446"), Cbor.encode("IETF"));
        assertArrayEquals(hex("4401020304"), Cbor.encode(new byte[] {1, 2, 3, 4}));
        assertArrayEquals(hex("8201820203"), Cbor.encode(List.of(1L, List.of(2L, 3L))));
        assertArrayEquals(hex("a1616101"), Cbor.encode(Map.of("a", 1L)));
        assertEquals(1000000L, ((Cbor.Ok) Cbor.decode(hex("1a000f4240"))).value());
        assertEquals(-1000L, ((Cbor.Ok) Cbor.decode(hex("3903e7"))).value());
        assertEquals(List.of(1L, List.of(2L, 3L)), ((Cbor.Ok) Cbor.decode(hex("8201820203"))).value());
    }

    @Test
    void sendRequestVectorFromTheDocs() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("to", "ab");
        m.put("text", "hi");
        assertArrayEquals(hex("a2 62 74 6f 62 61 62 64 74 65 78 74 62 68 69"), Cbor.encode(m));
    }

    @Test
    void hostileInputGivesTypedErrors() {
        for (String bad : List.of("", "a1", "5f", "9f01ff", "c074", "7a7fffffff", "9b00000000ffffffff", "a10101",
                "a2616101616102", "62c328", "f97e00", "1bffffffffffffffff", "818181818181818181818101", "0000")) {
            Cbor.Result r = Cbor.decode(hex(bad));
            assertInstanceOf(Cbor.Error.class, r, bad);
            assertTrue(!((Cbor.Error) r).problem().isBlank(), bad);
        }
    }

    @Test
    void sendRequestsRefuseWhatTheyShould() {
        String to = "00112233445566778899aabbccddeeff";
        assertInstanceOf(SendRequest.Ok.class, SendRequest.fromJson(("{\"to\":\"" + to + "\",\"text\":\"x\"}").getBytes()));
        assertInstanceOf(SendRequest.Ok.class, SendRequest.fromCbor(Cbor.encode(Map.of("to", to, "data", new byte[3]))));
        var both = (SendRequest.Rejected) SendRequest.fromJson(("{\"to\":\"" + to + "\",\"text\":\"x\",\"data\":\"AA==\"}").getBytes());
        assertTrue(both.detail().contains("exactly one"), both.detail());
        var extra = (SendRequest.Rejected) SendRequest.fromJson(("{\"to\":\"" + to + "\",\"text\":\"x\",\"cc\":1}").getBytes());
        assertTrue(extra.detail().contains("'cc'"), extra.detail());
        var big = (SendRequest.Rejected) SendRequest.fromCbor(Cbor.encode(Map.of("to", to, "data", new byte[4097])));
        assertEquals(SendRequest.Problem.TOO_LARGE, big.problem());
        var lone = (SendRequest.Rejected) SendRequest.fromJson(("{\"to\":\"" + to + "\",\"text\":\"x\\udc00y\"}").getBytes());
        assertEquals(SendRequest.Problem.MALFORMED, lone.problem());
        assertTrue(lone.detail().contains("lone surrogate \\udc00 (character 1 of the string): not valid Unicode text"),
                lone.detail());
        var pair = (SendRequest.Ok) SendRequest.fromJson(("{\"to\":\"" + to + "\",\"text\":\"\\ud83d\\ude00\"}").getBytes());
        assertEquals("\ud83d\ude00", new String(pair.request().body(), java.nio.charset.StandardCharsets.UTF_8));
        var addr = (SendRequest.Rejected) SendRequest.fromJson("{\"to\":\"zz\",\"text\":\"x\"}".getBytes());
        assertTrue(addr.detail().startsWith("field 'to'"), addr.detail());
    }

    @Test
    void ingressGovernorRefillsAtItsRate() {
        long[] now = {0};
        IngressGovernor g = new IngressGovernor(60, 2, () -> now[0]);
        assertEquals(0, g.tryAcquire());
        assertEquals(0, g.tryAcquire());
        assertEquals(1, g.tryAcquire()); // one per second: next token in 1 s
        now[0] += 1_000_000_000L;
        assertEquals(0, g.tryAcquire());
    }
}
