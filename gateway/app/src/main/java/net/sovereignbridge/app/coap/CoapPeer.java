package net.sovereignbridge.app.coap;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Set;
import net.sovereignbridge.app.services.LoopbackSockets;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.elements.util.ClockUtil;

/**
 * Who sent a CoAP request, for limits and for access: the unit that the per-peer bounds count and that may
 * or may not act as the gateway (docs/services.md, "Who may act as the gateway").
 *
 * <ul>
 *   <li>{@code dtls:NAME}: a DTLS client that proved a configured PSK identity or trusted raw public key;
 *   always trusted.</li>
 *   <li>{@code uid:N}: a plain CoAP datagram from loopback, named by the Unix user owning the socket it came
 *   from; trusted when that is the gateway's own user or root, or for every local user with
 *   {@code coap.plain-access: local}. {@code uid:?} when the socket cannot be found or is shared by users.</li>
 *   <li>{@code ip:ADDRESS}: plain CoAP from another host (all its ports are one peer); trusted only with
 *   {@code coap.plain-access: any}.</li>
 * </ul>
 *
 * @param name what the per-peer bounds count
 * @param trusted whether it may use the resources that act as the gateway ({@code /msg}, {@code /receipts},
 *     publishing on {@code /topics/{name}})
 */
record CoapPeer(String name, boolean trusted) {

    static CoapPeer of(Request request, CoapSettings.PlainAccess access) {
        Principal identity = request.getSourceContext().getPeerIdentity();
        if (identity != null) return new CoapPeer("dtls:" + identity.getName(), true);
        InetSocketAddress source = request.getSourceContext().getPeerAddress();
        if (source.getAddress().isLoopbackAddress()) {
            Set<Integer> uids = LoopbackSockets.udpOwners(source, request.getNanoTimestamp(), ClockUtil::nanoRealtime);
            String name = uids.size() == 1 ? "uid:" + uids.iterator().next() : "uid:?";
            boolean trusted = access != CoapSettings.PlainAccess.OWNER || LoopbackSockets.allOwnersTrusted(uids);
            return new CoapPeer(name, trusted);
        }
        return new CoapPeer("ip:" + source.getAddress().getHostAddress(), access == CoapSettings.PlainAccess.ANY);
    }
}
