package net.sovereignbridge.p2p.host.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.js.JsLibp2pPeer;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/**
 * What the /ws transport costs: one-way sink-stream throughput (as {@link HostBench}) sbridge to
 * sbridge over /tcp and over /ws, and js-libp2p to js-libp2p over /ws, in the same run. Arguments:
 * [MiB per run, default 64] [runs, default 3].
 */
public final class WebSocketBench {
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long bytes = (long) mib << 20;
        System.out.printf("java %s, %d cores, %d MiB per run, %d runs (median reported)%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), mib, runs);
        try (Libp2pHost tcpA = HostBench.host(); Libp2pHost tcpB = HostBench.host();
                Libp2pHost wsA = HostBench.host(); Libp2pHost wsB = HostBench.host();
                JsLibp2pPeer jsA = JsLibp2pPeer.start(Map.of("wsPort", 0));
                JsLibp2pPeer jsB = JsLibp2pPeer.start(Map.of("wsPort", 0))) {
            tcpB.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            tcpA.dial(tcpB.fullListenAddrs().get(0));
            wsB.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
            wsA.dial(wsB.fullListenAddrs().get(0));
            String jsBWs = jsB.addrs().stream().filter(a -> a.contains("/ws/p2p/")).findFirst().orElseThrow();
            // js-libp2p keeps the dial's abort signal on a /ws connection: with the peer's default 20 s the
            // process died of an unhandled TimeoutError in the middle of a run here, so the dial gets 10 min.
            jsA.call("dial", "addr", jsBWs, "timeoutMs", 600_000);

            HostBench.sbridgeSend(tcpA, tcpB.peerId(), 32L << 20); // warm-up (JIT), not reported
            HostBench.sbridgeSend(wsA, wsB.peerId(), 32L << 20);
            List<Double> tcp = new ArrayList<>();
            List<Double> ws = new ArrayList<>();
            List<Double> js = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                tcp.add(HostBench.sbridgeSend(tcpA, tcpB.peerId(), bytes));
                ws.add(HostBench.sbridgeSend(wsA, wsB.peerId(), bytes));
                js.add(HostBench.jsSend(jsA, jsB.peerId(), bytes));
            }
            System.out.printf("throughput MiB/s  sbridge->sbridge /tcp %s  /ws %s  js->js /ws %s%n",
                    HostBench.median(tcp), HostBench.median(ws), HostBench.median(js));
            System.out.printf("  runs: tcp=%s ws=%s js-ws=%s%n", tcp, ws, js);
        }
    }
}
