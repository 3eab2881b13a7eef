package net.sovereignbridge.p2p.host;

/**
 * Whether peers on the internet can dial us. Set on the host by whoever knows: today the daemon's
 * configuration (an announced or specifically bound address, a public interface address), later AutoNAT's
 * dial-backs and port mappings. Services that depend on it (the DHT's server mode; later the relay
 * client and service) follow {@link HostListener#reachabilityChanged}.
 */
public enum Reachability {
    /** Dialable from the internet: serve the DHT, offer relaying. */
    PUBLIC,
    /** Behind a NAT or firewall that stops inbound dials: stay a DHT client, reserve a relay. */
    PRIVATE,
    /** Not known yet: behave as {@link #PRIVATE} until something says otherwise. */
    UNKNOWN
}
