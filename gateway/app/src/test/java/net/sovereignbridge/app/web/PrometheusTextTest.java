package net.sovereignbridge.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exposition writer against the format's rules, and against Prometheus's own checker (promtool). */
class PrometheusTextTest {

    private static PrometheusText sample() {
        PrometheusText p = new PrometheusText();
        p.family("sbridge_transport_frames_total", PrometheusText.Type.COUNTER, "Frames per transport and direction.")
                .sample(12, "transport", "lan", "direction", "in")
                .sample(3, "transport", "lan", "direction", "out");
        p.family("sbridge_transport_state", PrometheusText.Type.GAUGE, "1 for the state a transport is in.")
                .sample(1, "transport", "lora0", "state", "UNAVAILABLE", "reason", "no /dev/spidev0.0 \"SPI off\"\nsee docs\\");
        p.family("sbridge_duty_cycle_budget_used_ratio", PrometheusText.Type.GAUGE, "Share of the airtime budget used.")
                .sample(0.125, "transport", "lora0");
        p.family("sbridge_dht_routing_table_peers", PrometheusText.Type.GAUGE, "Peers in the DHT routing table.");
        return p;
    }

    @Test
    void writesHelpTypeAndEscapedSamples() {
        String text = sample().text();
        assertTrue(text.startsWith("# HELP sbridge_transport_frames_total Frames per transport and direction.\n"
                + "# TYPE sbridge_transport_frames_total counter\n"
                + "sbridge_transport_frames_total{transport=\"lan\",direction=\"in\"} 12\n"), text);
        assertTrue(text.contains("reason=\"no /dev/spidev0.0 \\\"SPI off\\\"\\nsee docs\\\\\"} 1\n"), text);
        assertTrue(text.contains("sbridge_duty_cycle_budget_used_ratio{transport=\"lora0\"} 0.125\n"), text);
        assertEquals("NaN", PrometheusText.number(Double.NaN));
        assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
    }

    @Test
    void refusesWhatTheFormatForbids() {
        PrometheusText p = new PrometheusText();
        assertThrows(IllegalArgumentException.class, () -> p.family("sbridge_frames", PrometheusText.Type.COUNTER, "x"));
        assertThrows(IllegalArgumentException.class, () -> p.family("sbridge-frames", PrometheusText.Type.GAUGE, "x"));
        p.family("sbridge_routes", PrometheusText.Type.GAUGE, "x");
        assertThrows(IllegalArgumentException.class, () -> p.family("sbridge_routes", PrometheusText.Type.GAUGE, "x"));
        assertThrows(IllegalArgumentException.class, () -> p.sample(1, "__name__", "x"));
        assertThrows(IllegalArgumentException.class, () -> p.sample(1, "odd"));
    }

    @Test
    void promtoolAcceptsTheOutput() throws Exception {
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = promtool.getOutputStream()) {
            in.write(sample().text().getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(promtool.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, promtool.exitValue(), "promtool check metrics: " + said);
        assertEquals("", said.trim(), "promtool found problems: " + said);
    }
}
