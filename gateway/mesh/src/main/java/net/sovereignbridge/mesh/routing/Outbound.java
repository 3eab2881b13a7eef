package net.sovereignbridge.mesh.routing;

import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * A frame the router is asked to place, as the tiers see it.
 *
 * @param length encoded length in bytes: a hop's link must carry it (in at most 255 fragments)
 * @param region the geohash the frame carries for its destination, or null
 * @param allowGeo false for a copy that reached us by flood: greedy forwarding already hit a local minimum
 *     upstream, and a greedy step from here could lead straight back to it (the minimum is nearer to the
 *     region than its neighbours), so the flood goes on until it meets a route
 */
public record Outbound(MeshAddress destination, int length, String region, boolean allowGeo) {}
