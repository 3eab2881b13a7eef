package net.sovereignbridge.mesh.transport;

import java.time.Instant;

/** A peer a transport can reach in one hop, as the transport sees it (no mesh identity yet). */
public record Neighbour(Endpoint endpoint, LinkQuality quality, Instant lastHeard) {}
