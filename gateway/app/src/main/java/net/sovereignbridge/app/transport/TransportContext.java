package net.sovereignbridge.app.transport;

import java.nio.file.Path;
import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * What a transport may know of the node that runs it when it is brought up.
 *
 * @param node this node's mesh address (LoRa derives its 16-bit link id from it)
 * @param stateDir the node's state directory, for what a transport keeps across restarts (the satellite
 *     receiver's OpenPGP key and its record of messages already received); null where there is none
 */
public record TransportContext(MeshAddress node, Path stateDir) {
    public TransportContext(MeshAddress node) {
        this(node, null);
    }
}
