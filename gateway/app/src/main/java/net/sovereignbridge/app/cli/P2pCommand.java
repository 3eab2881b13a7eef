package net.sovereignbridge.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.control.ControlServer;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.StandardHost;
import net.sovereignbridge.p2p.host.Connection;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.ping.PingService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sbridge p2p ping|peers}: the internet overlay's libp2p host (docs/p2p.md, "CLI"). */
@Command(name = "p2p", description = "Internet overlay (libp2p) tools", mixinStandardHelpOptions = true,
        subcommands = {P2pCommand.Ping.class, P2pCommand.Peers.class})
public final class P2pCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "ping", description = "Ping a libp2p peer over /ipfs/ping/1.0.0 and print the round-trip times."
            + " Runs through the daemon on --state-dir when one runs there, else standalone with a throw-away identity.")
    static final class Ping implements Callable<Integer> {
        @Mixin
        StateDirOption state;

        @Parameters(index = "0", paramLabel = "MULTIADDR", description = "e.g. /ip4/192.0.2.1/tcp/4001/p2p/12D3KooW...")
        String address;

        @Option(names = "--count", defaultValue = "3", description = "pings, one second apart (1..100)")
        int count;

        @Option(names = "--json", description = "print the result as JSON")
        boolean json;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            if (count < 1 || count > 100) {
                System.err.println("sbridge: --count: " + count + " is out of range 1..100");
                return ExitCodes.CONFIG;
            }
            Map<String, Object> answer;
            String via;
            if (Files.exists(state.resolve().resolve(ControlServer.SOCKET_NAME))) {
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("op", "p2p-ping");
                request.put("address", address);
                request.put("count", (long) count);
                answer = DaemonCall.ok(state, request);
                if (answer == null) return ExitCodes.FAILED;
                via = "daemon";
            } else {
                try {
                    answer = standalone(address, count);
                } catch (IllegalArgumentException e) {
                    System.err.println("sbridge: " + e.getMessage());
                    return ExitCodes.CONFIG;
                } catch (IOException e) {
                    System.err.println("sbridge: ping " + address + ": " + e.getMessage());
                    return ExitCodes.FAILED;
                }
                via = "standalone";
            }
            answer.put("via", via);
            if (json) {
                answer.remove("ok");
                System.out.println(Json.write(answer));
                return ExitCodes.OK;
            }
            System.out.println("PING " + answer.get("peerId") + " at " + answer.get("remote") + " (" + via + ")");
            List<Object> rtts = (List<Object>) answer.get("rttMs");
            for (int i = 0; i < rtts.size(); i++) {
                System.out.printf(java.util.Locale.ROOT, "seq=%d time=%.2f ms%n", i + 1, ((Number) rtts.get(i)).doubleValue());
            }
            return ExitCodes.OK;
        }

        /** Without a daemon: a host with a fresh identity that listens nowhere, closed afterwards. */
        static Map<String, Object> standalone(String text, int count) throws IOException {
            Multiaddr target;
            try {
                target = Multiaddr.parse(text.trim());
            } catch (MultiaddrException e) {
                throw new IllegalArgumentException("'" + text + "' is not a multiaddr: " + e.getMessage());
            }
            try (Libp2pHost host = StandardHost.create(NodeIdentity.generate(new SecureRandom()), HostConfig.defaults())) {
                Connection c = host.dial(target);
                List<Object> rtts = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    if (i > 0) {
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted");
                        }
                    }
                    Duration d = PingService.ping(host, c.remotePeerId());
                    rtts.add(d.toNanos() / 1_000_000.0);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ok", true);
                out.put("peerId", c.remotePeerId());
                out.put("remote", c.remoteAddr().toString());
                out.put("rttMs", rtts);
                return out;
            }
        }
    }

    @Command(name = "peers", description = "The daemon's connected overlay peers: addresses, protocols, RTT.")
    static final class Peers implements Callable<Integer> {
        @Mixin
        StateDirOption state;

        @Option(names = "--json", description = "print {\"peers\": [...]} as JSON")
        boolean json;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            Map<String, Object> answer = DaemonCall.ok(state, Map.of("op", "p2p-peers"));
            if (answer == null) return ExitCodes.FAILED;
            if (json) {
                System.out.println(Json.write(Map.of("peers", answer.get("peers"))));
                return ExitCodes.OK;
            }
            for (Object o : (List<Object>) answer.get("peers")) {
                Map<String, Object> p = (Map<String, Object>) o;
                List<String> remotes = new ArrayList<>();
                for (Object c : (List<Object>) p.get("connections")) {
                    Map<String, Object> cm = (Map<String, Object>) c;
                    remotes.add(cm.get("remote") + " (" + cm.get("direction") + ")");
                }
                long rtt = p.get("rttMs") instanceof Long l ? l : -1;
                System.out.println(p.get("peerId") + " " + String.join(", ", remotes) + (Boolean.TRUE.equals(p.get("mesh"))
                        ? " mesh" : "") + (rtt >= 0 ? " rtt " + rtt + " ms" : "") + " " + p.get("agent"));
                System.out.println("  protocols " + String.join(" ", (List<String>) p.get("protocols")));
            }
            return ExitCodes.OK;
        }
    }
}
