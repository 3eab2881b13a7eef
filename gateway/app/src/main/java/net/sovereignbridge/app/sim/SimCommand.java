package net.sovereignbridge.app.sim;

import java.util.Locale;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.sim.SimNetwork;
import net.sovereignbridge.mesh.sim.SimRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sim", description = "Simulate a mesh of real nodes over simulated links and report delivery figures.")
public final class SimCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "20", description = "number of nodes (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--topology", defaultValue = "random", description = "line, grid or random (default ${DEFAULT-VALUE})")
    String topology;

    @Option(names = "--loss", defaultValue = "0", description = "frame loss on every link, 0..1 (default ${DEFAULT-VALUE})")
    double loss;

    @Option(names = "--messages", defaultValue = "100", description = "messages between random pairs (default ${DEFAULT-VALUE})")
    int messages;

    @Option(names = "--seed", defaultValue = "1", description = "seed for identities, topology, loss and pairs")
    long seed;

    @Option(names = "--churn", defaultValue = "0", description = "share of nodes cut off while messages are sent, then restored")
    double churn;

    @Option(names = "--latency-ms", defaultValue = "10", description = "link latency (default ${DEFAULT-VALUE})")
    long latency;

    @Option(names = "--bitrate", defaultValue = "1000000", description = "link bit rate (default ${DEFAULT-VALUE})")
    long bitrate;

    @Option(names = "--mtu", defaultValue = "255", description = "link MTU (default ${DEFAULT-VALUE})")
    int mtu;

    @Option(names = "--timeout-s", defaultValue = "120", description = "per phase (default ${DEFAULT-VALUE})")
    long timeout;

    @Option(names = "--announce-s", defaultValue = "5", description = "announce period of every node (default ${DEFAULT-VALUE})")
    long announceSeconds;

    @Option(names = "--flood-delay-ms", defaultValue = "400", description = "upper bound of the rebroadcast delay (default ${DEFAULT-VALUE}, the gateway's)")
    long floodDelay;

    @Option(names = "--degree", defaultValue = "10", description = "random topology: average neighbours per node (default ${DEFAULT-VALUE})")
    double degree;

    @Option(names = "--fail-link", description = "afterwards, cut the busiest link and time how routes avoid it")
    boolean failLink;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SimNetwork.Topology t;
        try {
            t = SimNetwork.Topology.valueOf(topology.toUpperCase(Locale.ROOT));
            if (nodes < 2 || loss < 0 || loss >= 1 || churn < 0 || churn >= 1 || mtu < 32 || degree < 1
                    || floodDelay < 8) {
                throw new IllegalArgumentException("need --nodes >= 2, 0 <= --loss < 1, 0 <= --churn < 1, --mtu >= 32, "
                        + "--degree >= 1, --flood-delay-ms >= 8");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("sbridge sim: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        // Short retries: simulated links are fast. The flood delay stays the gateway's: suppression needs a
        // rebroadcast window many times the link latency. The simulated transport's neighbour timeout is three
        // announce periods: a neighbour silent that long is no next hop (the LAN default is six of its 30 s).
        Node.Options options = Node.Options.defaults().withAnnounceInterval(announceSeconds * 1000)
                .withTimers(1_500, 10_000, floodDelay)
                .withHopLimit(15);
        SimNetwork.Config config = new SimNetwork.Config(nodes, t, loss, latency, bitrate, mtu, seed, options)
                .withAverageDegree(degree);
        config = config.withProfile(config.profile().withNeighbourTimeout(3 * announceSeconds * 1000L));
        SimRun.Result r = SimRun.run(config, messages, churn, timeout * 1000, failLink);
        if (json) {
            System.out.println(Json.write(r.toMap()));
        } else {
            r.toMap().forEach((k, v) -> System.out.println(k + " " + v));
        }
        return ExitCodes.OK;
    }
}
