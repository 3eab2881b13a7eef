package net.sovereignbridge.mesh.routing;

import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.transport.Endpoint;

/** A way out for a frame: the link endpoint it leaves on, and the node behind that endpoint (if known). */
public record NextHop(Endpoint endpoint, MeshAddress via) {}
