package net.sovereignbridge.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The collector over a status with every part running, and over one with the optional parts off. */
class MetricsCollectorTest {

    @Test
    void everyPartBecomesSamplesThatPromtoolAccepts() throws Exception {
        String text = new MetricsCollector(new FakeGateway(), "0.1.0", new WebCounters()).scrape();
        promtool(text);
        assertTrue(text.contains("sbridge_transport_frames_total{transport=\"lan\",direction=\"in\"} 12\n"), text);
        assertTrue(text.contains("sbridge_transport_drops_total{transport=\"lan\",cause=\"replay\"} 2\n"), text);
        assertTrue(text.contains("sbridge_transport_drops_total{transport=\"lan\",cause=\"truncated\"} 0\n"), text);
        assertTrue(text.contains("sbridge_transport_state{transport=\"lora1\",state=\"unavailable\"} 1\n"), text);
        assertTrue(text.contains("reason=\"no /dev/spidev0.1 \\\"SPI off\\\"\"} 1\n"), text);
        assertTrue(text.contains("sbridge_duty_cycle_budget_used_ratio{transport=\"lora0\"} 0.005\n"), text);
        assertTrue(text.contains("sbridge_airtime_budget_seconds{transport=\"lora0\"} 360\n"), text);
        assertTrue(text.contains("sbridge_airtime_last_hour_seconds{transport=\"lora0\",origin=\"all\"} 1.8\n"), text);
        assertTrue(text.contains("sbridge_custody_refused_total{reason=\"relayed_full\"} 4\n"), text);
        assertTrue(text.contains("sbridge_custody_displaced_total 1\n"), text);
        assertTrue(text.contains("sbridge_messages{state=\"delivered\"} 2\n"), text);
        assertTrue(text.contains("sbridge_routing_frames_total{tier=\"direct+route\"} 5\n"), text);
        assertTrue(text.contains("sbridge_dht_routing_table_peers 7\n"), text);
        assertTrue(text.contains("sbridge_overlay_reachability{reachability=\"public\"} 1\n"), text);
        assertTrue(text.contains("sbridge_mqtt_connected 1\n"), text);
        assertTrue(text.contains("sbridge_coap_unauthorized_total 2\n"), text);
        assertTrue(text.contains("sbridge_peers_neighbours 1\n"), text);
    }

    @Test
    void partsThatAreOffStillNameTheirFamilies() throws Exception {
        GatewayView bare = new FakeGateway() {
            @Override
            public Map<String, Object> status() {
                Map<String, Object> s = super.status();
                s.remove("p2p");
                s.remove("dht");
                s.remove("services");
                return s;
            }
        };
        String all = new MetricsCollector(new FakeGateway(), "0.1.0", new WebCounters()).scrape();
        String off = new MetricsCollector(bare, "0.1.0", new WebCounters()).scrape();
        promtool(off);
        assertEquals(GrafanaDashboardTest.families(all), GrafanaDashboardTest.families(off));
        assertTrue(off.contains("# TYPE sbridge_dht_routing_table_peers gauge\n# HELP"), off);
    }

    static void promtool(String text) throws Exception {
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = promtool.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, promtool.exitValue(), "promtool check metrics: " + said);
        assertEquals("", said.trim(), "promtool found problems: " + said);
    }
}
