package net.sovereignbridge.app.dht;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.Main;
import net.sovereignbridge.app.cli.Json;
import org.junit.jupiter.api.Test;

class DhtCommandTest {
    private String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute(args));
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void simJson() {
        Map<String, Object> m = Json.parseObject(run("dht", "sim", "--nodes", "200", "--lookups", "100", "--records", "5",
                "--regions", "3", "--wire", "--json").trim());
        assertEquals(200L, m.get("nodes"));
        assertTrue(((Number) m.get("lookupSuccess")).doubleValue() >= 0.99);
        assertEquals(1.0, ((Number) m.get("recordsAfterRepublish")).doubleValue());
    }

    @Test
    void regionKeys() {
        Object parsed = Json.parse(run("dht", "region-keys", "u0vxkq", "--json").trim());
        List<?> keys = (List<?>) parsed;
        assertEquals(3, keys.size());
        Map<?, ?> first = (Map<?, ?>) keys.get(0);
        assertEquals("u0v", first.get("prefix"));
        // 0x12 0x20 + SHA-256("sbridge/region/u0v")
        assertTrue(((String) first.get("key")).startsWith("1220"));
        assertEquals(68, ((String) first.get("key")).length());
    }
}
