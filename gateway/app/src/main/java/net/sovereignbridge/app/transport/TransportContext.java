package net.sovereignbridge.app.transport;

import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * What a transport may know of the node that runs it when it is brought up.
 *
 * @param node this node's mesh address (LoRa derives its 16-bit link id from it)
 */
public record TransportContext(MeshAddress node) {}
