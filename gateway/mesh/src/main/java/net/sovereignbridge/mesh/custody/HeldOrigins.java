package net.sovereignbridge.mesh.custody;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.transport.TrafficOrigin;

/**
 * Where frames in flight or in custody entered the mesh, for those that did not start here as LOCAL, so
 * that retries and relays hand the transports the same origin (radios cap every origin but LOCAL). In memory
 * only: after a restart a held frame counts as LOCAL. Bounded: least recently used out past {@code max}.
 */
public final class HeldOrigins {
    private record Key(MeshAddress source, int messageId, int type) {}

    private final Map<Key, TrafficOrigin> origins;

    public HeldOrigins(int max) {
        this.origins = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, TrafficOrigin> eldest) {
                return size() > max;
            }
        });
    }

    public void remember(MeshAddress source, int messageId, int type, TrafficOrigin origin) {
        if (origin != TrafficOrigin.LOCAL) origins.put(new Key(source, messageId, type), origin);
    }

    /** The origin remembered for a frame, LOCAL when none is. */
    public TrafficOrigin of(MeshAddress source, int messageId, int type) {
        TrafficOrigin o = origins.get(new Key(source, messageId, type));
        return o == null ? TrafficOrigin.LOCAL : o;
    }
}
