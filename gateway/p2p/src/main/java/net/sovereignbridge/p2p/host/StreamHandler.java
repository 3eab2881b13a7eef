package net.sovereignbridge.p2p.host;

import java.io.IOException;

/**
 * Serves one inbound stream after multistream-select agreed on the handler's protocol. Runs on a host
 * thread of its own (blocking I/O is fine); the host closes the stream when the handler returns and
 * resets it when the handler throws.
 */
@FunctionalInterface
public interface StreamHandler {
    void handle(P2pStream stream) throws IOException;
}
