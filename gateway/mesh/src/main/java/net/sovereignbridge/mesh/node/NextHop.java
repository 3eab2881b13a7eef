package net.sovereignbridge.mesh.node;

import java.util.List;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.transport.Endpoint;

/**
 * Answers "over which transport and endpoint can a frame for this address leave now?", best first. The
 * foundation answers with directly heard neighbours ({@link DirectNeighbours}); the router replaces it.
 */
public interface NextHop {
    List<Hop> candidates(MeshAddress destination);

    /** Called for every frame heard directly (hop count 0) from {@code source} on {@code from}. */
    void heard(MeshAddress source, Endpoint from, long nowMillis);

    record Hop(Endpoint endpoint, MeshAddress via) {}
}
