package net.sovereignbridge.p2p.host;

/**
 * A protocol service added to a host from outside (identify, ping; AutoNAT, relay and hole punching
 * next): it registers its handlers and listeners when the host is built, through the {@link Host}
 * interface only, so the host knows none of its services.
 */
public interface HostService {
    /** Called once by {@link Libp2pHost.Builder#build()}, before the host listens or dials. */
    void attach(Host host);

    /** Called when the host closes, before its connections are closed. */
    default void close() {}
}
