package net.sovereignbridge.mesh.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendException;
import net.sovereignbridge.mesh.node.SendOptions;
import net.sovereignbridge.mesh.node.SendResult;
import net.sovereignbridge.mesh.transport.Endpoint;

/**
 * One simulation scenario in virtual time: build the network, run until routes converge, send
 * {@code messages} between random pairs (optionally with a share of nodes cut off for a while, then
 * restored), run until they are delivered, measure flooded announces against naive flooding (every node
 * rebroadcasting once) and, optionally, how long the network takes to route around a failed link.
 * Same seed, same figures.
 */
public final class SimRun {
    /** Announces measured for the flooding figure, from nodes spread over the index range. */
    static final int FLOOD_ORIGINS = 5;

    private SimRun() {}

    public record Result(int nodes, String topology, double loss, int diameter, long convergenceMillis, int sent,
            int delivered, double deliveryRatio, long medianLatencyMillis, long p95LatencyMillis, long transmissions,
            double floodTransmissions, int naiveFloodTransmissions, double floodCoverage, int floodOrigins,
            long runtimeMillis, long heapUsedBytes, long virtualMillis, Map<String, Object> linkFailure) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodes", nodes);
            m.put("topology", topology);
            m.put("loss", loss);
            m.put("diameter", diameter);
            m.put("convergenceMs", convergenceMillis);
            m.put("sent", sent);
            m.put("delivered", delivered);
            m.put("deliveryRatio", deliveryRatio);
            m.put("medianLatencyMs", medianLatencyMillis);
            m.put("p95LatencyMs", p95LatencyMillis);
            m.put("transmissions", transmissions);
            m.put("transmissionsPerFloodedAnnounce", Math.round(floodTransmissions * 10) / 10.0);
            m.put("naiveFloodTransmissions", naiveFloodTransmissions);
            m.put("floodRatioToNaive", naiveFloodTransmissions == 0 ? 0 : Math.round(floodTransmissions / naiveFloodTransmissions * 1000) / 1000.0);
            m.put("floodCoverage", Math.round(floodCoverage * 10000) / 10000.0);
            m.put("floodOrigins", floodOrigins);
            if (!linkFailure.isEmpty()) m.put("linkFailure", linkFailure);
            m.put("virtualMs", virtualMillis);
            m.put("runtimeMs", runtimeMillis);
            m.put("heapUsedBytes", heapUsedBytes);
            return m;
        }
    }

    public static Result run(SimNetwork.Config config, int messages, double churn, long timeoutMillis)
            throws Exception {
        return run(config, messages, churn, timeoutMillis, false);
    }

    /** @param failLink after the measurements, cut the busiest link and time how the network routes around it */
    public static Result run(SimNetwork.Config config, int messages, double churn, long timeoutMillis, boolean failLink)
            throws Exception {
        long started = System.currentTimeMillis();
        try (SimNetwork net = new SimNetwork(config)) {
            VirtualTime time = net.time();
            int diameter = net.diameter();
            net.start();
            long convergence = net.runUntil(net::converged, 250, timeoutMillis);

            List<SimNetwork.SimNode> nodes = net.nodes();
            List<SimNetwork.SimNode> cut = new ArrayList<>();
            if (churn > 0) {
                List<SimNetwork.SimNode> shuffled = new ArrayList<>(nodes);
                Collections.shuffle(shuffled, net.random());
                cut.addAll(shuffled.subList(0, (int) Math.round(nodes.size() * churn)));
            }
            Delivery delivery = new Delivery(time);
            nodes.forEach(n -> n.node().addDeliveryListener(m -> delivery.delivered(m.source(), m.messageId())));
            long before = net.medium().transmissions();
            cut.forEach(n -> n.transport().fail());
            for (int i = 0; i < messages; i++) {
                int[] pair = pair(net);
                delivery.send(nodes.get(pair[0]).node(), nodes.get(pair[1]).node().address(), ("m" + i).getBytes());
                if (i % 20 == 19) net.runFor(20);
            }
            if (!cut.isEmpty()) {
                net.runFor(Math.min(timeoutMillis / 4, 5_000));
                cut.forEach(n -> n.transport().repair());
            }
            net.runUntil(delivery::complete, 50, timeoutMillis);
            long transmissions = net.medium().transmissions() - before;

            // Announces of a few origins flooded through a quiet network, against every node rebroadcasting
            // each once (N transmissions per announce), with the share of nodes each reached. Past every
            // node's per-origin relay interval, so each is relayed like any fresh announce.
            int origins = Math.min(FLOOD_ORIGINS, nodes.size());
            List<SimNetwork.SimNode> floodFrom = new ArrayList<>();
            for (int i = 0; i < origins; i++) floodFrom.add(nodes.get(i * nodes.size() / origins));
            floodFrom.forEach(n -> net.medium().watchAnnounces(n.node().address()));
            // A priming announce restarts each origin's periodic announce timer; the measured one follows past
            // every relay's per-origin interval and before the next periodic announce, which would otherwise
            // be relayed in its place.
            floodFrom.forEach(n -> n.node().announce());
            net.runFor(nodes.get(0).node().announcer().relayInterval() + 1_000);
            Map<SimNetwork.SimNode, List<Integer>> announced = new LinkedHashMap<>();
            for (SimNetwork.SimNode n : floodFrom) announced.put(n, n.node().announce());
            net.runFor(Math.max(1_000, config.options().floodDelayMillis() * 4L * Math.max(1, net.diameter())));
            long floodTx = 0;
            double coverage = 0;
            for (var e : announced.entrySet()) {
                var source = e.getKey().node().address();
                floodTx += e.getValue().stream().mapToLong(id -> net.medium().transmissionsOf(source, id)).sum();
                java.util.Set<String> reached = new java.util.HashSet<>();
                e.getValue().forEach(id -> reached.addAll(net.medium().announceReceivers(source, id)));
                reached.remove(e.getKey().name());
                coverage += (double) reached.size() / (nodes.size() - 1);
            }
            double flood = (double) floodTx / origins;
            coverage /= origins;

            Map<String, Object> failure = failLink ? linkFailure(net, timeoutMillis) : Map.of();

            List<Long> sorted = delivery.latencies();
            long median = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
            long p95 = sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.95)));
            System.gc();
            Runtime rt = Runtime.getRuntime();
            long heap = rt.totalMemory() - rt.freeMemory();
            int sent = delivery.sent();
            int delivered = sorted.size();
            return new Result(nodes.size(), config.topology().name().toLowerCase(), config.loss(), diameter,
                    convergence, sent, delivered, sent == 0 ? 0 : (double) delivered / sent, median, p95, transmissions,
                    flood, nodes.size(), coverage, origins, System.currentTimeMillis() - started, heap,
                    time.elapsedMillis(), failure);
        }
    }

    /** A random pair of distinct nodes within reach of the hop limit. */
    private static int[] pair(SimNetwork net) {
        int n = net.nodes().size();
        while (true) {
            int a = net.random().nextInt(n);
            int b = net.random().nextInt(n);
            if (a != b && net.withinReach(a, b)) return new int[] {a, b};
        }
    }

    /** Sent messages and their delivery times, in virtual time. */
    static final class Delivery {
        private final VirtualTime time;
        private final Map<String, Long> sentAt = new HashMap<>();
        private final List<Long> latencies = new ArrayList<>();
        private int sent;

        Delivery(VirtualTime time) {
            this.time = time;
        }

        private long firstSentAt = -1;

        synchronized long firstSentAt() {
            return firstSentAt;
        }

        boolean send(Node from, MeshAddress to, byte[] body) {
            try {
                SendResult s = from.send(to, body, SendOptions.defaults());
                if (firstSentAt < 0) firstSentAt = time.millis();
                sentAt.put(from.address().toHex() + "/" + s.messageId(), time.millis());
                sent++;
                return true;
            } catch (SendException e) {
                return false; // counted as not delivered: the sender refused it
            }
        }

        synchronized void delivered(MeshAddress source, int messageId) {
            Long t = sentAt.get(source.toHex() + "/" + messageId);
            if (t != null) latencies.add(time.millis() - t);
        }

        synchronized boolean complete() {
            return latencies.size() >= sent;
        }

        synchronized int sent() {
            return sent;
        }

        synchronized int delivered() {
            return latencies.size();
        }

        synchronized List<Long> latencies() {
            List<Long> l = new ArrayList<>(latencies);
            Collections.sort(l);
            return l;
        }
    }

    /**
     * The link that most best routes use as their first hop fails silently (a radio link fading out: no
     * transport state change). Measured in virtual time, once with the network idle (only periodic
     * announces can show the change) and, on a fresh failure of the then busiest link, with traffic between
     * random pairs (one message per 100 ms; silent hop-by-hop ACKs show it):
     * {@code *AvoidMs}, until no node's next hop for any destination is the dead link, and
     * {@code *RestoredMs}, until every node again has a next hop over a live link for every destination in
     * reach (between the two, the few pairs without a route are served by flooding and custody).
     */
    static Map<String, Object> linkFailure(SimNetwork net, long timeoutMillis) {
        Map<String, Object> out = new LinkedHashMap<>();
        String[] idle = busiestLink(net);
        net.cut(idle[0], idle[1]);
        long[] idleMs = reroute(net, timeoutMillis, null);
        out.put("idleLink", idle[0] + "-" + idle[1]);
        out.put("idleAvoidMs", idleMs[0]);
        out.put("idleRestoredMs", idleMs[1]);
        net.runUntil(net::converged, 250, timeoutMillis);

        String[] busy = busiestLink(net);
        Delivery delivery = new Delivery(net.time());
        net.nodes().forEach(n -> n.node().addDeliveryListener(m -> delivery.delivered(m.source(), m.messageId())));
        net.cut(busy[0], busy[1]);
        long[] busyMs = reroute(net, timeoutMillis, delivery);
        long waited = net.runUntil(delivery::complete, 100, 3 * timeoutMillis);
        out.put("lastDeliveredAfterMs", waited < 0 ? -1 : net.time().millis() - delivery.firstSentAt());
        out.put("busyLink", busy[0] + "-" + busy[1]);
        out.put("busyAvoidMs", busyMs[0]);
        out.put("busyRestoredMs", busyMs[1]);
        out.put("sentDuringReroute", delivery.sent());
        out.put("deliveredOfThose", delivery.delivered());
        List<Long> l = delivery.latencies();
        out.put("medianLatencyOfThoseMs", l.isEmpty() ? -1 : l.get(l.size() / 2));
        out.put("p95LatencyOfThoseMs", l.isEmpty() ? -1 : l.get(Math.min(l.size() - 1, (int) (l.size() * 0.95))));
        return out;
    }

    /** Runs (sending traffic when {@code traffic} is given) until routes are restored: {avoid, restored} in ms. */
    private static long[] reroute(SimNetwork net, long timeoutMillis, Delivery traffic) {
        long start = net.time().millis();
        long avoid = -1;
        int i = 0;
        while (net.time().millis() - start < timeoutMillis) {
            RouteHealth h = routeHealth(net);
            if (avoid < 0 && h.dead() == 0) avoid = net.time().millis() - start;
            if (h.dead() == 0 && h.missing() == 0) return new long[] {avoid, net.time().millis() - start};
            if (traffic != null) {
                int[] pair = pair(net);
                traffic.send(net.nodes().get(pair[0]).node(), net.nodes().get(pair[1]).node().address(),
                        ("after failure " + i++).getBytes());
            }
            net.runFor(100);
        }
        return new long[] {avoid, -1};
    }

    /** The link (a, b) that is the first hop of the most best routes, among links whose loss leaves the graph connected. */
    static String[] busiestLink(SimNetwork net) {
        Map<String, Integer> use = new HashMap<>();
        for (SimNetwork.SimNode a : net.nodes()) {
            for (SimNetwork.SimNode b : net.nodes()) {
                if (a == b) continue;
                Optional<Endpoint> hop = a.node().nextHopFor(b.node().address());
                if (hop.isEmpty()) continue;
                String x = a.name(), y = hop.get().value();
                use.merge(x.compareTo(y) < 0 ? x + " " + y : y + " " + x, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> ranked = new ArrayList<>(use.entrySet());
        ranked.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (var e : ranked) {
            String[] ab = e.getKey().split(" ");
            if (!net.medium().neighbours(ab[0]).contains(ab[1])) continue;
            if (stillConnectedWithout(net, ab[0], ab[1])) return ab;
        }
        throw new IllegalStateException("every link is a bridge: no link can fail without a partition");
    }

    private static boolean stillConnectedWithout(SimNetwork net, String a, String b) {
        java.util.Set<String> seen = new java.util.HashSet<>(List.of(a));
        java.util.ArrayDeque<String> q = new java.util.ArrayDeque<>(List.of(a));
        while (!q.isEmpty()) {
            String u = q.poll();
            for (String v : net.medium().neighbours(u)) {
                if (u.equals(a) && v.equals(b)) continue;
                if (seen.add(v)) q.add(v);
            }
        }
        return seen.contains(b);
    }

    /** Next hops over a link that no longer exists, and (node, destination) pairs in reach without any. */
    public record RouteHealth(int dead, int missing) {}

    public static RouteHealth routeHealth(SimNetwork net) {
        List<SimNetwork.SimNode> nodes = net.nodes();
        int dead = 0, missing = 0;
        for (int i = 0; i < nodes.size(); i++) {
            java.util.Set<String> live = net.medium().neighbours(nodes.get(i).name());
            for (int j = 0; j < nodes.size(); j++) {
                if (i == j || !net.withinReach(i, j)) continue;
                Optional<Endpoint> hop = nodes.get(i).node().nextHopFor(nodes.get(j).node().address());
                if (hop.isEmpty()) missing++;
                else if (!live.contains(hop.get().value())) dead++;
            }
        }
        return new RouteHealth(dead, missing);
    }

    /**
     * True when every node has a next hop for every destination in reach and each of those next hops is a
     * link that exists in the simulated topology now.
     */
    public static boolean routesAvoidDeadLinks(SimNetwork net) {
        List<SimNetwork.SimNode> nodes = net.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            SimNetwork.SimNode a = nodes.get(i);
            java.util.Set<String> live = net.medium().neighbours(a.name());
            for (int j = 0; j < nodes.size(); j++) {
                if (i == j || !net.withinReach(i, j)) continue;
                Optional<Endpoint> hop = a.node().nextHopFor(nodes.get(j).node().address());
                if (hop.isEmpty() || !live.contains(hop.get().value())) return false;
            }
        }
        return true;
    }
}
