package net.sovereignbridge.mesh.routing;

import java.util.List;
import java.util.function.Consumer;
import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * Routing tier 3, the overlay bridge: which bridges reach a mesh address over the internet overlay when
 * neither a direct neighbour nor a route is known (docs/routing.md). The mesh only asks; the answer comes
 * from outside the mesh module (the DHT, wired by the daemon), so mesh does not depend on the overlay.
 *
 * <p>{@link #known} is called on the send and relay paths and must answer from memory at once. A miss
 * makes the node call {@link #search}, which looks the address up in the background (the implementation
 * limits how often per address) and calls {@code found} when bridges became known; the node then sends
 * what it holds for that address.
 */
public interface OverlayBridges {

    /**
     * Hops over the overlay transport to bridges that reach the destination, best first, from memory.
     * The endpoint's value names the bridge in the overlay transport's terms (its PeerId).
     */
    List<NextHop> known(MeshAddress destination);

    /** Starts a background lookup; {@code found} runs (on any thread) if it found bridges. */
    void search(MeshAddress destination, Consumer<MeshAddress> found);

    /** No overlay: the tier is empty. */
    OverlayBridges NONE = new OverlayBridges() {
        @Override
        public List<NextHop> known(MeshAddress destination) {
            return List.of();
        }

        @Override
        public void search(MeshAddress destination, Consumer<MeshAddress> found) {
            // nothing to ask
        }
    };
}
