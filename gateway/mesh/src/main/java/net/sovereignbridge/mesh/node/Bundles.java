package net.sovereignbridge.mesh.node;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.mesh.custody.Bundle;
import net.sovereignbridge.mesh.custody.CustodyQueue;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.transport.CarriedTransport;

/**
 * Store and carry (docs/routing.md, "Bundles"): custody written to a signed bundle file, and bundle files read
 * back into the normal receive path through the {@link CarriedTransport}, which never sends.
 */
final class Bundles {
    private final NodeIdentity identity;
    private final Announcer announcer;
    private final CustodyQueue custody;
    private final CarriedTransport carried;
    private final Clock clock;

    Bundles(NodeIdentity identity, Announcer announcer, CustodyQueue custody, CarriedTransport carried, Clock clock) {
        this.identity = identity;
        this.announcer = announcer;
        this.custody = custody;
        this.carried = carried;
        this.clock = clock;
    }

    /** See {@link Node#exportBundle}. */
    byte[] export() throws SQLException {
        List<byte[]> frames = new ArrayList<>();
        frames.add(FrameCodec.encode(announcer.signed(1)));
        for (CustodyQueue.Entry e : custody.pending(clock.millis(), Bundle.MAX_FRAMES - 1)) {
            frames.add(FrameCodec.withHopAck(e.frame(), false));
        }
        return new Bundle(identity.publicIdentity(), clock.millis(), frames).sign(identity);
    }

    /** See {@link Node#importBundle}. */
    Decoded<Bundle.ImportReport> importFile(byte[] file) {
        Decoded<Bundle> bundle = Bundle.read(file);
        if (bundle instanceof Decoded.Error<Bundle> e) return Decoded.error(e.reason(), e.detail());
        String origin = bundle.value().exporter().address().toHex();
        List<byte[]> frames = bundle.value().frames();
        int accepted = 0;
        String firstRejection = null;
        for (int i = 0; i < frames.size(); i++) {
            // A signature covers the file, not its content: an exporter can sign garbage, so each frame is
            // decoded here too, and one that is not a mesh frame is counted instead of passed on.
            byte[] f = frames.get(i);
            if (FrameCodec.decode(f) instanceof Decoded.Error<?> bad) {
                if (firstRejection == null) firstRejection = "frame " + i + ": " + bad.reason() + " " + bad.detail();
                continue;
            }
            carried.deliver(f, origin);
            accepted++;
        }
        return Decoded.ok(new Bundle.ImportReport(frames.size(), accepted, frames.size() - accepted, firstRejection));
    }
}
