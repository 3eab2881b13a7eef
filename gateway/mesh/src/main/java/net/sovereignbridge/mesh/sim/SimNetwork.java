package net.sovereignbridge.mesh.sim;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.store.Database;
import net.sovereignbridge.mesh.transport.TransportManager;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportProfile;

/**
 * N real {@link Node}s (the production send, receive, routing, flooding, ACK, crypto and custody code, each
 * with its own in-memory SQLite database) joined by a {@link SimMedium}, all driven by one
 * {@link VirtualTime}: no thread per node, time jumps from event to event, and the seed fixes everything
 * (identities, topology, loss draws, jitter, message ids and pairs), so a run repeats exactly.
 *
 * <p>Callers advance the simulation with {@link #runFor} / {@link #runUntil}; nothing happens in between.
 */
public final class SimNetwork implements AutoCloseable {
    public enum Topology { LINE, GRID, RANDOM }

    /** @param averageDegree random topology only: radio range chosen for about this many neighbours per node */
    public record Config(int nodes, Topology topology, double loss, long latencyMillis, long bitsPerSecond, int mtu,
            long seed, Node.Options options, double averageDegree, TransportProfile profile) {
        public Config(int nodes, Topology topology, double loss, long latencyMillis, long bitsPerSecond, int mtu,
                long seed, Node.Options options) {
            this(nodes, topology, loss, latencyMillis, bitsPerSecond, mtu, seed, options, 10,
                    TransportProfile.of(TransportKind.DUPLEX, mtu, PreferenceClass.LOCAL_RADIO).withBitrate(bitsPerSecond)
                            .withLatency((int) latencyMillis));
        }

        public Config withAverageDegree(double degree) {
            return new Config(nodes, topology, loss, latencyMillis, bitsPerSecond, mtu, seed, options, degree, profile);
        }

        public Config withProfile(TransportProfile p) {
            return new Config(nodes, topology, loss, latencyMillis, bitsPerSecond, mtu, seed, options, averageDegree, p);
        }
    }

    private final Config config;
    private final VirtualTime time = new VirtualTime();
    private final ScheduledExecutorService scheduler = time.executor();
    private final SimMedium medium;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<String, Integer> index = new java.util.HashMap<>();
    private final Random random;
    /** Node positions: unit square (random), grid or line coordinates; used for SNR and geographic routing. */
    private final double[][] positions;
    private short[][] hops;

    public record SimNode(String name, Node node, SimTransport transport, TransportManager manager, Database db) {}

    public SimNetwork(Config config) throws SQLException {
        this.config = config;
        this.random = new Random(config.seed());
        this.medium = new SimMedium(scheduler, time.clock(), config.seed(), config.loss(), config.latencyMillis(), config.bitsPerSecond());
        this.positions = new double[config.nodes()][2];
        for (int i = 0; i < config.nodes(); i++) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            NodeIdentity id = NodeIdentity.fromSeed(seed);
            String name = "n" + i;
            // In memory: the same schema and SQL as on disk, without a file (and its page cache) per node.
            Database db = Database.inMemory();
            TransportManager manager = new TransportManager(1_000, 300_000, time.executor());
            SimTransport t = new SimTransport("sim", name, medium, config.profile());
            manager.add(t);
            Node.Scheduling runOn = new Node.Scheduling(time.executor(), time.executor(), new Random(random.nextLong()));
            Node node = new Node(id, db, manager, config.options().withName(name), time.clock(), runOn);
            nodes.add(new SimNode(name, node, t, manager, db));
            index.put(name, i);
        }
        wire();
    }

    public VirtualTime time() {
        return time;
    }

    /** Advances the simulation by {@code millis} of virtual time. */
    public void runFor(long millis) {
        time.runFor(millis);
    }

    /** Advances until {@code done} (checked every {@code checkMillis}) or {@code maxMillis}; -1 on timeout. */
    public long runUntil(java.util.function.BooleanSupplier done, long checkMillis, long maxMillis) {
        return time.runUntil(done, checkMillis, maxMillis);
    }

    public double[] position(int node) {
        return positions[node].clone();
    }

    public int indexOf(String name) {
        return index.get(name);
    }

    private void wire() {
        int n = nodes.size();
        switch (config.topology()) {
            case LINE -> {
                for (int i = 0; i < n; i++) positions[i] = new double[] {i, 0};
                for (int i = 1; i < n; i++) medium.link(nodes.get(i - 1).name(), nodes.get(i).name());
            }
            case GRID -> {
                int side = (int) Math.ceil(Math.sqrt(n));
                for (int i = 0; i < n; i++) positions[i] = new double[] {i % side, i / side};
                for (int i = 0; i < n; i++) {
                    if ((i + 1) % side != 0 && i + 1 < n) medium.link(nodes.get(i).name(), nodes.get(i + 1).name());
                    if (i + side < n) medium.link(nodes.get(i).name(), nodes.get(i + side).name());
                }
            }
            case RANDOM -> {
                // Random geometric graph in the unit square, radius chosen for an average degree of about 10,
                // then joined into one component by linking each stray component to its nearest node.
                double[][] p = positions;
                for (double[] xy : p) {
                    xy[0] = random.nextDouble();
                    xy[1] = random.nextDouble();
                }
                double r = r(n, config.averageDegree());
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

    /** Radio range in the unit square for an average degree of about {@code degree}. */
    private static double r(int n, double degree) {
        return Math.sqrt(degree / (Math.PI * Math.max(n, 2)));
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
            medium.snr(nodes.get(bi).name(), nodes.get(bj).name(), snrAt(best / r(n, config.averageDegree())));
            int from = comp[bi];
            int to = comp[bj];
            for (int i = 0; i < n; i++) if (comp[i] == from) comp[i] = to;
        }
    }

    public void start() {
        nodes.forEach(s -> s.node().start());
    }

    /**
     * Gives every node a position (announced as a geohash of 8 characters, about 38 x 19 m): the topology's
     * coordinates mapped onto the map around 48 N 11 E, one grid or line step = {@code metresPerStep}; the
     * random topology's unit square spans {@code metresPerStep} x 100. Call before {@link #start}.
     */
    public void placeNodes(double metresPerStep) {
        double scale = config.topology() == Topology.RANDOM ? metresPerStep * 100 : metresPerStep;
        for (int i = 0; i < nodes.size(); i++) nodes.get(i).node().setPosition(geohashOf(i, scale));
    }

    private String geohashOf(int i, double metresPerUnit) {
        double lat = 48.0 + positions[i][1] * metresPerUnit / 111_320.0;
        double lon = 11.0 + positions[i][0] * metresPerUnit / (111_320.0 * Math.cos(Math.toRadians(48.0)));
        return net.sovereignbridge.mesh.routing.Geohash.encode(lat, lon, 8);
    }

    /** Removes every link of a node: a gap in the mesh (a lake, a hill) where greedy routing can get stuck. */
    public void isolate(String name) {
        for (String other : medium.neighbours(name)) medium.unlink(name, other);
        hops = null;
    }

    /** Cuts the link a-b (both directions), as a radio link that fades out: the nodes are not told. */
    public void cut(String a, String b) {
        medium.unlink(a, b);
        hops = null;
    }

    /** Hop distances in the current topology (BFS from every node), recomputed after {@link #cut}. */
    public synchronized short[][] hopDistances() {
        if (hops != null) return hops;
        int n = nodes.size();
        short[][] d = new short[n][n];
        for (int s = 0; s < n; s++) {
            java.util.Arrays.fill(d[s], Short.MAX_VALUE);
            d[s][s] = 0;
            int[] q = new int[n];
            int head = 0, tail = 0;
            q[tail++] = s;
            while (head < tail) {
                int u = q[head++];
                for (String nb : medium.neighbours(nodes.get(u).name())) {
                    int v = index.get(nb);
                    if (d[s][v] == Short.MAX_VALUE) {
                        d[s][v] = (short) (d[s][u] + 1);
                        q[tail++] = v;
                    }
                }
            }
        }
        hops = d;
        return d;
    }

    /** True when announces of {@code b} can reach {@code a} within the hop limit (wire format: at most 15). */
    public boolean withinReach(int a, int b) {
        return hopDistances()[a][b] <= config.options().hopLimit();
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
        long now = time.millis();
        StringBuilder sb = new StringBuilder();
        int keys = 0, paths = 0;
        for (SimNode a : nodes) {
            for (SimNode b : nodes) {
                if (a == b || !withinReach(indexOf(a.name()), indexOf(b.name()))) continue;
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

    /**
     * True when every node knows the key of, and a route or neighbour to, every other node within reach of
     * the hop limit (all of them unless the network's diameter exceeds it). Incremental: a call resumes at the
     * first pair that failed last time, and only a pass that then covers every pair from the start says yes,
     * so polling a network of a thousand nodes costs O(N^2) in all rather than per call.
     */
    public boolean converged() {
        long now = time.millis();
        int n = nodes.size();
        long pairs = (long) n * n;
        for (long k = 0; k < pairs; k++) {
            long at = (convergedCursor + k) % pairs;
            int a = (int) (at / n), b = (int) (at % n);
            if (a == b || !withinReach(a, b)) continue;
            Node from = nodes.get(a).node();
            MeshAddress dst = nodes.get(b).node().address();
            boolean ok = from.peers().key(dst).isPresent() && (!from.routes().lookup(dst, now).isEmpty()
                    || !from.neighbours().candidates(dst).isEmpty());
            if (!ok) {
                convergedCursor = at;
                return false;
            }
        }
        return true;
    }

    private long convergedCursor;

    /** Longest shortest path (hops) in the simulated topology, for reporting. */
    public int diameter() {
        int best = 0;
        for (short[] row : hopDistances()) {
            for (short d : row) if (d != Short.MAX_VALUE) best = Math.max(best, d);
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
    }
}
