package net.sovereignbridge.p2p;

import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.host.HostConfig;
import net.sovereignbridge.p2p.host.Libp2pHost;
import net.sovereignbridge.p2p.host.TcpConnectionTransport;
import net.sovereignbridge.p2p.identify.IdentifyService;
import net.sovereignbridge.p2p.ping.PingService;
import net.sovereignbridge.p2p.relay.CircuitTransport;
import net.sovereignbridge.p2p.websocket.WebSocketConnectionTransport;

/**
 * The host every sbridge node runs: TCP, WebSocket and relayed-circuit connection transports, identify and
 * ping (the relay service, which needs its configuration, is added by whoever has it). The one
 * place that names them together, above the packages it composes, so none of them depends on another
 * through the host. Add further services to {@link #builder} before {@code build()}.
 */
public final class StandardHost {
    private StandardHost() {}

    /** TCP (tried first), WebSocket, circuits, identify, ping; add services before building. */
    public static Libp2pHost.Builder builder(NodeIdentity identity, HostConfig config) {
        CircuitTransport circuits = new CircuitTransport();
        return Libp2pHost.builder(identity).config(config)
                .transport(new TcpConnectionTransport())
                .transport(new WebSocketConnectionTransport())
                .transport(circuits)
                .service(circuits)
                .service(new IdentifyService())
                .service(new PingService());
    }

    public static Libp2pHost create(NodeIdentity identity, HostConfig config) {
        return builder(identity, config).build();
    }
}
