package net.sovereignbridge.p2p.host.bench;

import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;

/** sbridge to sbridge sink streams in a loop, for profiling (java -XX:StartFlightRecording ...). Argument: runs of 128 MiB. */
public final class SbridgeThroughputLoop {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        try (Libp2pHost a = HostBench.host(); Libp2pHost b = HostBench.host()) {
            b.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
            a.dial(b.fullListenAddrs().get(0));
            for (int i = 0; i < runs; i++) System.out.println(HostBench.sbridgeSend(a, b.peerId(), 128L << 20) + " MiB/s");
        }
    }
}
