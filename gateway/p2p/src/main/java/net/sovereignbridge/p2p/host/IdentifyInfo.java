package net.sovereignbridge.p2p.host;

import java.util.List;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.record.PeerRecord;

/**
 * What a remote said about itself in identify, after verification.
 *
 * @param observedAddr  our address as the remote sees it (null if it did not say)
 * @param signedRecord  its verified signed peer record, or null if it sent none
 */
public record IdentifyInfo(String peerId, String protocolVersion, String agentVersion, List<String> protocols,
                           List<Multiaddr> listenAddrs, Multiaddr observedAddr, PeerRecord signedRecord,
                           long receivedAtMillis) {
    public IdentifyInfo {
        protocols = List.copyOf(protocols);
        listenAddrs = List.copyOf(listenAddrs);
    }

    /**
     * The addresses to remember for this peer: those of its signed peer record when it sent one (signed
     * by its key, so no one on the path could have added any), else its unsigned listenAddrs.
     */
    public List<Multiaddr> addresses() {
        return signedRecord != null ? signedRecord.addresses() : listenAddrs;
    }

    public boolean supports(String protocol) {
        return protocols.contains(protocol);
    }
}
