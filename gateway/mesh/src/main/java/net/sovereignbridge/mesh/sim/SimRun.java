package net.sovereignbridge.mesh.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.node.SendException;

/**
 * One simulation scenario: build the network, wait until routes converge, send {@code messages} between
 * random pairs (optionally with a share of nodes cut off for the first half, then restored), wait for
 * delivery, then measure one flooded announce against naive flooding (every node rebroadcasting once).
 */
public final class SimRun {
    /** Announces measured for the flooding figure, from nodes spread over the index range. */
    static final int FLOOD_ORIGINS = 5;

    private SimRun() {}

    public record Result(int nodes, String topology, double loss, int diameter, long convergenceMillis, int sent,
            int delivered, double deliveryRatio, long medianLatencyMillis, long p95LatencyMillis, long transmissions,
            double floodTransmissions, int naiveFloodTransmissions, double floodCoverage, int floodOrigins,
            long runtimeMillis, long heapUsedBytes) {
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
            m.put("runtimeMs", runtimeMillis);
            m.put("heapUsedBytes", heapUsedBytes);
            return m;
        }
    }

    public static Result run(SimNetwork.Config config, int messages, double churn, long timeoutMillis)
            throws Exception {
        long started = System.currentTimeMillis();
        try (SimNetwork net = new SimNetwork(config)) {
            net.start();
            long convergeStart = System.currentTimeMillis();
            long deadline = convergeStart + timeoutMillis;
            while (!net.converged() && System.currentTimeMillis() < deadline) Thread.sleep(100);
            long convergence = System.currentTimeMillis() - convergeStart;

            List<SimNetwork.SimNode> nodes = net.nodes();
            List<SimNetwork.SimNode> cut = new ArrayList<>();
            if (churn > 0) {
                List<SimNetwork.SimNode> shuffled = new ArrayList<>(nodes);
                Collections.shuffle(shuffled, net.random());
                cut.addAll(shuffled.subList(0, (int) Math.round(nodes.size() * churn)));
            }
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            for (SimNetwork.SimNode n : nodes) {
                n.node().addDeliveryListener(m -> {
                    Long t = sentAt.get(m.source().toHex() + "/" + m.messageId());
                    if (t != null) latencies.add(System.currentTimeMillis() - t);
                });
            }
            long before = net.medium().transmissions();
            long announceTxBefore = net.medium().announceTransmissions();
            int announcesBefore = net.medium().distinctAnnounces();
            cut.forEach(n -> n.transport().fail());
            int sent = 0;
            for (int i = 0; i < messages; i++) {
                SimNetwork.SimNode a = nodes.get(net.random().nextInt(nodes.size()));
                SimNetwork.SimNode b = nodes.get(net.random().nextInt(nodes.size()));
                if (a == b) {
                    i--;
                    continue;
                }
                try {
                    long t = System.currentTimeMillis();
                    Node.Sent s = a.node().send(b.node().address(), ("m" + i).getBytes());
                    sentAt.put(a.node().address().toHex() + "/" + s.messageId(), t);
                    sent++;
                } catch (SendException e) {
                    // counted as not delivered: the sender refused it
                }
                if (i % 20 == 19) Thread.sleep(20);
            }
            long msgDeadline = System.currentTimeMillis() + timeoutMillis;
            if (!cut.isEmpty()) {
                Thread.sleep(Math.min(timeoutMillis / 4, 5_000));
                cut.forEach(n -> n.transport().repair());
            }
            while (latencies.size() < sent && System.currentTimeMillis() < msgDeadline) Thread.sleep(50);
            long transmissions = net.medium().transmissions() - before;

            // Announces of a few origins flooded through a quiet network, against every node rebroadcasting
            // each once (N transmissions per announce), with the share of nodes each reached. Past every
            // node's per-origin relay interval, so each is relayed like any fresh announce.
            int origins = Math.min(FLOOD_ORIGINS, nodes.size());
            List<SimNetwork.SimNode> floodFrom = new ArrayList<>();
            for (int i = 0; i < origins; i++) floodFrom.add(nodes.get(i * nodes.size() / origins));
            floodFrom.forEach(n -> net.medium().watchAnnounces(n.node().address()));
            // A priming announce restarts each origin's periodic announce timer; the measured one follows past
            // every relay's per-origin interval (with a margin for the priming copy's travel across the mesh)
            // and before the next periodic announce, which would otherwise be relayed in its place.
            floodFrom.forEach(n -> n.node().announce());
            Thread.sleep(nodes.get(0).node().announceRelayInterval() + 1_000);
            Map<SimNetwork.SimNode, List<Integer>> announced = new LinkedHashMap<>();
            for (SimNetwork.SimNode n : floodFrom) announced.put(n, n.node().announce());
            Thread.sleep(Math.max(1_000, config.options().floodDelayMillis() * 4L * Math.max(1, net.diameter())));
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

            List<Long> sorted;
            synchronized (latencies) {
                sorted = new ArrayList<>(latencies);
            }
            Collections.sort(sorted);
            long median = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
            long p95 = sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.95)));
            Runtime rt = Runtime.getRuntime();
            long heap = rt.totalMemory() - rt.freeMemory();
            int delivered = sorted.size();
            return new Result(nodes.size(), config.topology().name().toLowerCase(), config.loss(), net.diameter(),
                    convergence, sent, delivered, sent == 0 ? 0 : (double) delivered / sent, median, p95, transmissions,
                    flood, nodes.size(), coverage, origins, System.currentTimeMillis() - started, heap);
        }
    }

}
