package net.sovereignbridge.mesh.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.TransportProfile;

/**
 * N real {@link Node}s (the production send, receive, routing, flooding, ACK and custody code, each with its
 * own SQLite database) joined by a {@link SimMedium}. The seed fixes identities, topology, loss draws and
 * the message pairs; thread scheduling still varies between runs, so figures vary slightly.
 */
public final class SimNetwork implements AutoCloseable {
    public enum Topology { LINE, GRID, RANDOM }

    public record Config(int nodes, Topology topology, double loss, long latencyMillis, long bitsPerSecond, int mtu,
            long seed, Node.Options options) {}

    private final Config config;
    private final ScheduledExecutorService scheduler;
    private final SimMedium medium;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Path dir;
    private final Random random;

    public record SimNode(String name, Node node, SimTransport transport, TransportManager manager, Database db) {}

    public SimNetwork(Config config) throws IOException, SQLException {
        this.config = config;
        this.random = new Random(config.seed());
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "sim-medium");
            t.setDaemon(true);
            return t;
        });
        this.medium = new SimMedium(scheduler, config.seed(), config.loss(), config.latencyMillis(), config.bitsPerSecond());
        this.dir = Files.createTempDirectory("sbridge-sim");
        TransportProfile profile = new TransportProfile(config.mtu(), config.bitsPerSecond(), (int) config.latencyMillis(),
                0, false);
        for (int i = 0; i < config.nodes(); i++) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            NodeIdentity id = NodeIdentity.fromSeed(seed);
            String name = "n" + i;
            Database db = Database.open(dir.resolve(name));
            TransportManager manager = new TransportManager();
            SimTransport t = new SimTransport("sim", name, medium, profile);
            manager.add(t);
            Node node = new Node(id, db, manager, config.options().withName(name), Clock.systemUTC());
            nodes.add(new SimNode(name, node, t, manager, db));
        }
        wire();
    }

    private void wire() {
        int n = nodes.size();
        switch (config.topology()) {
            case LINE -> {
                for (int i = 1; i < n; i++) medium.link(nodes.get(i - 1).name(), nodes.get(i).name());
            }
            case GRID -> {
                int side = (int) Math.ceil(Math.sqrt(n));
                for (int i = 0; i < n; i++) {
                    if ((i + 1) % side != 0 && i + 1 < n) medium.link(nodes.get(i).name(), nodes.get(i + 1).name());
                    if (i + side < n) medium.link(nodes.get(i).name(), nodes.get(i + side).name());
                }
            }
            case RANDOM -> {
                // Random geometric graph in the unit square, radius chosen for an average degree of about 10,
                // then joined into one component by linking each stray component to its nearest node.
                double[][] p = new double[n][2];
                for (double[] xy : p) {
                    xy[0] = random.nextDouble();
                    xy[1] = random.nextDouble();
                }
                double r = r(n);
                for (int i = 0; i < n; i++) {
                    for (int j = i + 1; j < n; j++) {
                        double d = Math.hypot(p[i][0] - p[j][0], p[i][1] - p[j][1]);
                        if (d <= r) {
                            medium.link(nodes.get(i).name(), nodes.get(j).name());
                            medium.snr(nodes.get(i).name(), nodes.get(j).name(), snrAt(d / r));
                        }
                    }
                }
                connect(p);
            }
        }
    }

    /** Radio range in the unit square for an average degree of about 10. */
    private static double r(int n) {
        return Math.sqrt(10.0 / (Math.PI * Math.max(n, 2)));
    }

    /**
     * SNR of a link by distance as a share of the radio range: +10 dB next to the sender falling linearly to
     * -20 dB at the edge of range (LoRa SF7-SF12 demodulate down to about -7.5..-20 dB). A deliberately simple
     * model: it only has to rank near and far receivers the way a real radio's SNR does.
     */
    static double snrAt(double shareOfRange) {
        return Math.max(-25, 10 - 30 * shareOfRange);
    }

    private void connect(double[][] p) {
        int n = nodes.size();
        int[] comp = new int[n];
        java.util.Arrays.fill(comp, -1);
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (comp[i] >= 0) continue;
            java.util.ArrayDeque<Integer> q = new java.util.ArrayDeque<>(List.of(i));
            comp[i] = c;
            while (!q.isEmpty()) {
                int u = q.poll();
                for (String nb : medium.neighbours(nodes.get(u).name())) {
                    int v = Integer.parseInt(nb.substring(1));
                    if (comp[v] < 0) {
                        comp[v] = c;
                        q.add(v);
                    }
                }
            }
            c++;
        }
        for (int k = 1; k < c; k++) {
            int bi = -1, bj = -1;
            double best = Double.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (comp[i] != k) continue;
                for (int j = 0; j < n; j++) {
                    if (comp[j] == k) continue;
                    double d = Math.hypot(p[i][0] - p[j][0], p[i][1] - p[j][1]);
                    if (d < best) {
                        best = d;
                        bi = i;
                        bj = j;
                    }
                }
            }
            medium.link(nodes.get(bi).name(), nodes.get(bj).name());
            medium.snr(nodes.get(bi).name(), nodes.get(bj).name(), snrAt(best / r(n)));
            int from = comp[bi];
            int to = comp[bj];
            for (int i = 0; i < n; i++) if (comp[i] == from) comp[i] = to;
        }
    }

    public void start() {
        nodes.forEach(s -> s.node().start());
    }

    public List<SimNode> nodes() {
        return nodes;
    }

    public SimMedium medium() {
        return medium;
    }

    public Random random() {
        return random;
    }

    /** Pairs (from -> to) still lacking a key or a route, for diagnostics. */
    public String missing() {
        long now = System.currentTimeMillis();
        StringBuilder sb = new StringBuilder();
        int keys = 0, paths = 0;
        for (SimNode a : nodes) {
            for (SimNode b : nodes) {
                if (a == b) continue;
                MeshAddress dst = b.node().address();
                if (a.node().peers().key(dst).isEmpty()) {
                    keys++;
                    if (keys <= 20) sb.append(a.name()).append("->").append(b.name()).append(' ');
                }
                else if (a.node().routes().lookup(dst, now).isEmpty() && a.node().neighbours().candidates(dst).isEmpty()) paths++;
            }
        }
        return sb.append(keys).append(" pairs without key, ").append(paths).append(" without route").toString();
    }

    /** True when every node knows the key of, and a route or neighbour to, every other node. */
    public boolean converged() {
        long now = System.currentTimeMillis();
        for (SimNode a : nodes) {
            for (SimNode b : nodes) {
                if (a == b) continue;
                MeshAddress dst = b.node().address();
                if (a.node().peers().key(dst).isEmpty()) return false;
                if (a.node().routes().lookup(dst, now).isEmpty() && a.node().neighbours().candidates(dst).isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Hop count of the shortest path in the simulated topology, for reporting. */
    public int diameter() {
        int best = 0;
        for (SimNode s : nodes) {
            Map<String, Integer> dist = new ConcurrentHashMap<>();
            java.util.ArrayDeque<String> q = new java.util.ArrayDeque<>(List.of(s.name()));
            dist.put(s.name(), 0);
            while (!q.isEmpty()) {
                String u = q.poll();
                for (String v : medium.neighbours(u)) {
                    if (!dist.containsKey(v)) {
                        dist.put(v, dist.get(u) + 1);
                        q.add(v);
                    }
                }
            }
            best = Math.max(best, dist.values().stream().max(Comparator.naturalOrder()).orElse(0));
        }
        return best;
    }

    @Override
    public void close() {
        nodes.forEach(s -> {
            s.node().close();
            try {
                s.db().close();
            } catch (SQLException ignored) {
                // closing a simulation
            }
        });
        scheduler.shutdownNow();
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp files of a simulation
        }
    }
}
