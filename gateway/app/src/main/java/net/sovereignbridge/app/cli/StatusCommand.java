package net.sovereignbridge.app.cli;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show the running daemon's identity, transports, counters and peers.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    StateDirOption state;

    /** The fields every transport has; the rest are its own ({@code Transport.statusFields}). */
    private static final Set<String> COMMON = Set.of("id", "type", "kind", "state", "mtu", "reason", "framesIn",
            "framesOut", "bytesIn", "bytesOut", "sendFailures", "drops", "neighbours");

    @Option(names = "--json", description = "print the full status as JSON")
    boolean json;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        Map<String, Object> s = DaemonCall.ok(state, Map.of("op", "status"));
        if (s == null) return ExitCodes.FAILED;
        if (json) {
            System.out.println(Json.write(s));
            return ExitCodes.OK;
        }
        System.out.println("address " + s.get("address"));
        System.out.println("did     " + s.get("did"));
        System.out.println("inbox   " + s.get("inbox") + " messages");
        for (Object o : (List<Object>) s.get("transports")) {
            Map<String, Object> t = (Map<String, Object>) o;
            System.out.println("transport " + t.get("id") + " " + t.get("state") + " in=" + t.get("framesIn")
                    + " out=" + t.get("framesOut") + " drops=" + t.get("drops")
                    + (t.get("reason") == null || "".equals(t.get("reason")) ? "" : " (" + t.get("reason") + ")"));
            // the transport's own fields (LoRa airtime and queues, LAN addresses): whatever is not common
            StringBuilder own = new StringBuilder();
            t.forEach((k, v) -> {
                if (COMMON.contains(k)) return;
                own.append(own.length() == 0 ? "  " : ", ").append(k).append(' ').append(v);
            });
            if (own.length() > 0) System.out.println(own);
        }
        if (s.get("p2p") instanceof Map<?, ?> p) {
            System.out.println("p2p " + p.get("connections") + " connections, " + p.get("meshNeighbours")
                    + " mesh neighbours; sbridge p2p peers for more");
            for (Object a : (List<Object>) p.get("listen")) System.out.println("  listen " + a);
        }
        if (s.get("dht") instanceof Map<?, ?> d) {
            System.out.println("dht " + d.get("mode") + " (" + d.get("role") + "), " + d.get("routingTable")
                    + " peers in the table, " + d.get("join") + "; sbridge dht status for more");
        }
        for (Object o : (List<Object>) s.get("peers")) {
            Map<String, Object> p = (Map<String, Object>) o;
            System.out.println("peer " + p.get("address") + " " + p.get("name")
                    + (Boolean.TRUE.equals(p.get("neighbour")) ? " (neighbour)" : ""));
        }
        return ExitCodes.OK;
    }
}
