package net.sovereignbridge.app.transport;

import java.nio.file.Path;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.Node;

/**
 * What a transport may know of the node that runs it when it is brought up.
 *
 * @param node this node's mesh address (LoRa derives its 16-bit link id from it)
 * @param stateDir the node's state directory, for what a transport keeps across restarts (the satellite
 *     receiver's OpenPGP key and its record of messages already received); null where there is none
 * @param mesh the node itself, for transports that bridge a foreign network to its topics and inbox (Meshtastic);
 *     null where a caller brings a transport up without a node (factory tests)
 */
public record TransportContext(MeshAddress node, Path stateDir, Node mesh) {
    public TransportContext(MeshAddress node) {
        this(node, null, null);
    }

    /** Without a node: for bringing up transports that keep state but bridge nothing (factory tests). */
    public TransportContext(MeshAddress node, Path stateDir) {
        this(node, stateDir, null);
    }
}
