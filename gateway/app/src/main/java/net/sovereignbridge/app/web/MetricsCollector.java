package net.sovereignbridge.app.web;

import static net.sovereignbridge.app.web.PrometheusText.Type.COUNTER;
import static net.sovereignbridge.app.web.PrometheusText.Type.GAUGE;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.transport.TransportState;

/**
 * Turns one look at the gateway (its status map, its own messages by state, the JVM's own beans) into the
 * Prometheus text on {@code /metrics}. Every family is written on every scrape, with no samples when its part
 * is off (no DHT, no radio), so a dashboard's queries always name metrics that exist; counters whose reasons
 * form a fixed set (drops by cause, custody refusals by reason) are written for every reason, zero included,
 * so a rate over them starts at the first scrape. The names are listed in docs/ops.md.
 */
public final class MetricsCollector {
    /** A reason travels as a label value: bounded so a long error text cannot bloat every scrape. */
    static final int MAX_REASON = 160;

    private final GatewayView gateway;
    private final String version;
    private final WebCounters web;

    public MetricsCollector(GatewayView gateway, String version, WebCounters web) {
        this.gateway = gateway;
        this.version = version;
        this.web = web;
    }

    public String scrape() throws Exception {
        Map<String, Object> s = gateway.status();
        PrometheusText p = new PrometheusText();
        p.family("sbridge_info", GAUGE, "Always 1; the labels name this node.")
                .sample(1, "address", str(s.get("address")), "name", str(s.get("name")), "version", version);
        transports(p, list(s.get("transports")));
        mesh(p, s);
        custody(p, map(s.get("custody")));
        overlay(p, s.get("p2p") instanceof Map<?, ?> o ? o : null);
        dht(p, s.get("dht") instanceof Map<?, ?> d ? d : null);
        Map<?, ?> services = map(s.get("services"));
        coap(p, services.get("coap") instanceof Map<?, ?> c ? c : null);
        mqtt(p, services.get("mqtt") instanceof Map<?, ?> m ? m : null);
        web(p);
        jvm(p);
        return p.text();
    }

    private static void transports(PrometheusText p, List<?> transports) {
        p.family("sbridge_transport_info", GAUGE, "Always 1 per configured transport; reason says why it is in its state.");
        for (Object o : transports) {
            Map<?, ?> t = (Map<?, ?>) o;
            p.sample(1, "transport", str(t.get("id")), "type", str(t.get("type")), "kind", str(t.get("kind")),
                    "reason", reason(t.get("reason")));
        }
        p.family("sbridge_transport_state", GAUGE, "1 for the state each transport is in, 0 for the others.");
        for (Object o : transports) {
            Map<?, ?> t = (Map<?, ?>) o;
            for (TransportState st : TransportState.values()) {
                p.sample(st.name().equals(t.get("state")) ? 1 : 0, "transport", str(t.get("id")), "state",
                        st.name().toLowerCase(Locale.ROOT));
            }
        }
        perTransport(p, transports, "sbridge_transport_frames_total", COUNTER, "Frames received and sent.",
                "framesIn", "framesOut");
        perTransport(p, transports, "sbridge_transport_bytes_total", COUNTER, "Bytes received and sent.",
                "bytesIn", "bytesOut");
        simple(p, transports, "sbridge_transport_send_failures_total", COUNTER, "Frames the medium refused to send.",
                "sendFailures");
        p.family("sbridge_transport_drops_total", COUNTER, "Received frames dropped, by cause.");
        for (Object o : transports) {
            Map<?, ?> t = (Map<?, ?>) o;
            if (!(t.get("drops") instanceof Map<?, ?> drops)) continue; // an unavailable transport has no counters
            for (DecodeError e : DecodeError.values()) {
                p.sample(num(drops.get(e.name()), 0), "transport", str(t.get("id")), "cause", e.name().toLowerCase(Locale.ROOT));
            }
        }
        simple(p, transports, "sbridge_transport_neighbours", GAUGE, "Neighbours heard on the transport.", "neighbours");
        simple(p, transports, "sbridge_transport_mtu_bytes", GAUGE, "Largest frame the transport carries.", "mtu");

        // regulated radios: airtime of the last hour against the duty-cycle budget, per origin of the traffic
        p.family("sbridge_airtime_last_hour_seconds", GAUGE, "Own transmit airtime in the last hour, by origin.");
        for (Object o : transports) {
            Map<?, ?> t = (Map<?, ?>) o;
            if (!t.containsKey("airtimeLastHourMs")) continue;
            p.sample(num(t.get("airtimeLastHourMs"), 0) / 1000.0, "transport", str(t.get("id")), "origin", "all");
            p.sample(num(t.get("internetAirtimeLastHourMs"), 0) / 1000.0, "transport", str(t.get("id")), "origin", "internet");
        }
        p.family("sbridge_airtime_budget_seconds", GAUGE, "Airtime allowed per hour by the duty cycle (absent: unlimited).");
        for (Object o : transports) {
            Map<?, ?> t = (Map<?, ?>) o;
            double budget = num(t.get("budgetMs"), -1);
            if (budget > 0) p.sample(budget / 1000.0, "transport", str(t.get("id")));
        }
        p.family("sbridge_duty_cycle_budget_used_ratio", GAUGE, "Share of the hourly airtime budget used, 0..1.");
        for (Object o : transports) {
            Map<?, ?> t = (Map<?, ?>) o;
            double budget = num(t.get("budgetMs"), -1);
            if (budget > 0) {
                p.sample(Math.min(1.0, num(t.get("airtimeLastHourMs"), 0) / budget), "transport", str(t.get("id")));
            }
        }
        p.family("sbridge_radio_queue_frames", GAUGE, "Frames waiting for airtime, by origin.");
        for (Object o : transports) {
            Map<?, ?> t = (Map<?, ?>) o;
            if (!t.containsKey("queuedLocal")) continue;
            p.sample(num(t.get("queuedLocal"), 0), "transport", str(t.get("id")), "origin", "local");
            p.sample(num(t.get("queuedInternet"), 0), "transport", str(t.get("id")), "origin", "internet");
        }
        simple(p, transports, "sbridge_radio_channel_busy_total", COUNTER,
                "Transmissions deferred because listen-before-talk found the channel busy.", "channelBusy");
        simple(p, transports, "sbridge_radio_budget_waits_total", COUNTER,
                "Transmissions that waited for the duty-cycle budget.", "budgetWaits");
        simple(p, transports, "sbridge_radio_foreign_packets_total", COUNTER,
                "Packets heard that were not ours (other networks on the channel).", "foreignPackets");
    }

    private static void mesh(PrometheusText p, Map<String, Object> s) {
        p.family("sbridge_peers_known", GAUGE, "Nodes whose signed announce we hold.").sample(list(s.get("peers")).size());
        long neighbours = list(s.get("peers")).stream().filter(o -> Boolean.TRUE.equals(((Map<?, ?>) o).get("neighbour"))).count();
        p.family("sbridge_peers_neighbours", GAUGE, "Known nodes heard directly (one hop).").sample(neighbours);
        p.family("sbridge_routes", GAUGE, "Entries in the route table.").sample(num(s.get("routes"), 0));
        p.family("sbridge_inbox_messages", GAUGE, "Messages in this node's inbox.").sample(num(s.get("inbox"), 0));
        Map<?, ?> routing = map(s.get("routing"));
        p.family("sbridge_routing_frames_total", COUNTER, "Frames each routing tier took.");
        routing.forEach((tier, n) -> {
            if (!"geoLocalMinimum".equals(tier)) p.sample(num(n, 0), "tier", str(tier));
        });
        p.family("sbridge_routing_geo_local_minima_total", COUNTER, "Frames toward a region with no neighbour nearer to it.")
                .sample(num(routing.get("geoLocalMinimum"), 0));
        Map<?, ?> flood = map(s.get("flood"));
        p.family("sbridge_flood_rebroadcasts_total", COUNTER, "Frames this node flooded on.").sample(num(flood.get("rebroadcasts"), 0));
        p.family("sbridge_flood_suppressed_total", COUNTER, "Flood rebroadcasts cancelled because others already sent them.")
                .sample(num(flood.get("suppressed"), 0));
        Map<?, ?> topics = map(s.get("topics"));
        p.family("sbridge_topics_subscribed", GAUGE, "Topics this node subscribes to.").sample(list(topics.get("subscribed")).size());
        p.family("sbridge_topic_messages_delivered_total", COUNTER, "Topic messages delivered to local subscribers.")
                .sample(num(topics.get("delivered"), 0));
        p.family("sbridge_topic_messages_rate_limited_total", COUNTER, "Topic messages dropped by the per-topic rate limit.")
                .sample(num(topics.get("rateLimited"), 0));
    }

    private void custody(PrometheusText p, Map<?, ?> c) throws Exception {
        p.family("sbridge_messages", GAUGE, "This node's own messages in custody, by state.");
        gateway.ownMessagesByState().forEach((state, n) -> p.sample(n, "state", state.toLowerCase(Locale.ROOT)));
        p.family("sbridge_custody_frames", GAUGE, "Frames held until delivered or forwarded: own and held for others.")
                .sample(num(c.get("own"), 0), "origin", "own").sample(num(c.get("relayed"), 0), "origin", "relayed");
        p.family("sbridge_custody_limit_frames", GAUGE, "The custody budgets (custody.own-total, custody.relayed-total).")
                .sample(num(c.get("ownLimit"), 0), "origin", "own").sample(num(c.get("relayedLimit"), 0), "origin", "relayed");
        p.family("sbridge_custody_unknown_origin_frames", GAUGE, "Frames held for others whose origin's key is unknown.")
                .sample(num(c.get("relayedUnknownOrigin"), 0));
        Map<?, ?> refused = map(c.get("refused"));
        p.family("sbridge_custody_refused_total", COUNTER, "Frames custody refused to hold, by reason.");
        for (CustodyQueue.Refusal r : CustodyQueue.Refusal.values()) {
            p.sample(num(refused.get(r.name()), 0), "reason", r.name().toLowerCase(Locale.ROOT));
        }
        p.family("sbridge_custody_displaced_total", COUNTER, "Frames held for others that gave way to newer ones.")
                .sample(num(refused.get("DISPLACED"), 0));
    }

    private static void overlay(PrometheusText p, Map<?, ?> o) {
        p.family("sbridge_overlay_connections", GAUGE, "Open libp2p connections.");
        if (o != null) p.sample(num(o.get("connections"), 0));
        p.family("sbridge_overlay_mesh_neighbours", GAUGE, "Overlay peers that speak the mesh protocol.");
        if (o != null) p.sample(num(o.get("meshNeighbours"), 0));
        p.family("sbridge_overlay_known_peers", GAUGE, "Peers in the overlay's peer store.");
        if (o != null) p.sample(num(o.get("knownPeers"), 0));
        p.family("sbridge_overlay_reachability", GAUGE, "1 for the overlay's reachability as AutoNAT and identify see it.");
        if (o != null) p.sample(1, "reachability", str(o.get("reachability")).toLowerCase(Locale.ROOT));
    }

    private static void dht(PrometheusText p, Map<?, ?> d) {
        p.family("sbridge_dht_routing_table_peers", GAUGE, "Peers in the DHT routing table.");
        if (d != null) p.sample(num(d.get("routingTable"), 0));
        p.family("sbridge_dht_server_mode", GAUGE, "1 when the DHT answers others (server mode), 0 in client mode.");
        if (d != null) p.sample("server".equals(d.get("mode")) ? 1 : 0);
        p.family("sbridge_dht_requests_served_total", COUNTER, "DHT requests from others answered.");
        if (d != null) p.sample(num(d.get("requestsServed"), 0));
        p.family("sbridge_dht_requests_failed_total", COUNTER, "DHT requests from others that failed.");
        if (d != null) p.sample(num(d.get("requestsFailed"), 0));
        p.family("sbridge_dht_records_refused_total", COUNTER, "DHT records refused (bad signature, stale, over limits).");
        if (d != null) p.sample(num(d.get("recordsRefused"), 0));
        p.family("sbridge_dht_providers_refused_total", COUNTER, "DHT provider records refused.");
        if (d != null) p.sample(num(d.get("providersRefused"), 0));
    }

    private static void coap(PrometheusText p, Map<?, ?> c) {
        p.family("sbridge_coap_endpoints", GAUGE, "CoAP endpoints listening.");
        if (c != null) p.sample(list(c.get("listening")).size());
        p.family("sbridge_coap_observers", GAUGE, "CoAP observe relations held.");
        if (c != null) p.sample(num(c.get("observers"), 0));
        p.family("sbridge_coap_observers_refused_total", COUNTER, "CoAP observe requests refused by the observer limits.");
        if (c != null) p.sample(num(c.get("observersRefused"), 0));
        p.family("sbridge_coap_uploads", GAUGE, "CoAP block-wise uploads in progress.");
        if (c != null) p.sample(num(c.get("uploads"), 0));
        p.family("sbridge_coap_uploads_refused_total", COUNTER, "CoAP block-wise uploads refused by their limits.");
        if (c != null) p.sample(num(c.get("uploadsRefused"), 0));
        p.family("sbridge_coap_unauthorized_total", COUNTER, "CoAP requests refused for want of authorisation.");
        if (c != null) p.sample(num(c.get("unauthorized"), 0));
    }

    private static void mqtt(PrometheusText p, Map<?, ?> m) {
        p.family("sbridge_mqtt_connected", GAUGE, "1 while the MQTT bridge is connected to its broker.");
        if (m != null) p.sample(Boolean.TRUE.equals(m.get("connected")) ? 1 : 0);
        p.family("sbridge_mqtt_published_total", COUNTER, "MQTT messages the bridge published.");
        if (m != null) p.sample(num(m.get("published"), 0));
        p.family("sbridge_mqtt_received_total", COUNTER, "MQTT messages the bridge received from local devices.");
        if (m != null) p.sample(num(m.get("received"), 0));
        p.family("sbridge_mqtt_rejected_total", COUNTER, "MQTT messages from local devices refused (bad topic or payload).");
        if (m != null) p.sample(num(m.get("rejected"), 0));
        p.family("sbridge_mqtt_waiting_messages", GAUGE, "MQTT messages waiting for the broker.");
        if (m != null) p.sample(num(m.get("waiting"), 0));
        p.family("sbridge_mqtt_dropped_total", COUNTER, "MQTT messages dropped while the broker was away.");
        if (m != null) p.sample(num(m.get("dropped"), 0));
    }

    private void web(PrometheusText p) {
        p.family("sbridge_web_requests_total", COUNTER, "Requests to the dashboard and /metrics, by response class.");
        web.byClass().forEach((cls, n) -> p.sample(n, "code", cls));
        p.family("sbridge_web_unauthorized_total", COUNTER, "Requests refused for a missing or wrong token.")
                .sample(web.unauthorized());
    }

    /** The JVM's and the process's own figures, under the names the Prometheus Java client gives them. */
    private static void jvm(PrometheusText p) {
        var memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        p.family("jvm_memory_used_bytes", GAUGE, "JVM memory in use, by area.")
                .sample(heap.getUsed(), "area", "heap").sample(nonHeap.getUsed(), "area", "nonheap");
        p.family("jvm_memory_committed_bytes", GAUGE, "JVM memory committed, by area.")
                .sample(heap.getCommitted(), "area", "heap").sample(nonHeap.getCommitted(), "area", "nonheap");
        p.family("jvm_memory_max_bytes", GAUGE, "The heap cap (-Xmx).").sample(heap.getMax(), "area", "heap");
        var threads = ManagementFactory.getThreadMXBean();
        p.family("jvm_threads_current", GAUGE, "Live JVM threads.").sample(threads.getThreadCount());
        p.family("jvm_threads_daemon", GAUGE, "Live JVM daemon threads.").sample(threads.getDaemonThreadCount());
        p.family("jvm_threads_peak", GAUGE, "Most live JVM threads since start.").sample(threads.getPeakThreadCount());
        p.family("jvm_classes_currently_loaded", GAUGE, "Classes loaded.")
                .sample(ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        p.family("process_start_time_seconds", GAUGE, "When the process started, seconds since the epoch.")
                .sample(ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
        p.family("process_resident_memory_bytes", GAUGE, "Resident memory of the process (VmRSS).");
        long rss = residentBytes();
        if (rss >= 0) p.sample(rss);
        var os = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u : null;
        p.family("process_open_fds", GAUGE, "Open file descriptors.");
        if (os != null) p.sample(os.getOpenFileDescriptorCount());
        p.family("process_max_fds", GAUGE, "The open file descriptor limit.");
        if (os != null) p.sample(os.getMaxFileDescriptorCount());
        p.family("process_cpu_seconds_total", COUNTER, "CPU time the process used.");
        if (os != null) p.sample(os.getProcessCpuTime() / 1e9);
    }

    /** VmRSS from /proc/self/status, in bytes; -1 where there is no such file (not Linux). */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void perTransport(PrometheusText p, List<?> transports, String name, PrometheusText.Type type,
            String help, String inKey, String outKey) {
        p.family(name, type, help);
        for (Object o : transports) {
            Map<?, ?> t = (Map<?, ?>) o;
            if (!t.containsKey(inKey)) continue;
            p.sample(num(t.get(inKey), 0), "transport", str(t.get("id")), "direction", "in");
            p.sample(num(t.get(outKey), 0), "transport", str(t.get("id")), "direction", "out");
        }
    }

    private static void simple(PrometheusText p, List<?> transports, String name, PrometheusText.Type type, String help,
            String key) {
        p.family(name, type, help);
        for (Object o : transports) {
            Map<?, ?> t = (Map<?, ?>) o;
            if (t.containsKey(key)) p.sample(num(t.get(key), 0), "transport", str(t.get("id")));
        }
    }

    static String reason(Object o) {
        String r = str(o);
        return r.length() <= MAX_REASON ? r : r.substring(0, MAX_REASON - 3) + "...";
    }

    static double num(Object o, double def) {
        return o instanceof Number n ? n.doubleValue() : def;
    }

    static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }
}
