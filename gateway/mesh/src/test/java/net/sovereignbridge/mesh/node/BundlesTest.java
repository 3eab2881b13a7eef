package net.sovereignbridge.mesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.sovereignbridge.mesh.custody.Bundle;
import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.transport.CarriedTransport;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.Test;

/** Bundles alone: custody out to a signed file, a file back in through the carried transport. */
class BundlesTest {
    @Test
    void exportCarriesOurAnnounceAndCustodyAndImportHandsEveryFrameToTheReceivePath() throws Exception {
        try (Parts p = new Parts(1)) {
            CarriedTransport carried = new CarriedTransport();
            p.add("lan", AnnouncerTest.LAN);
            p.start();
            Bundles bundles = new Bundles(p.identity, AnnouncerTest.announcer(p), p.custody, carried, p.time.clock());
            byte[] held = FrameCodec.withHopAck(FrameCodec.encode(new MeshFrame(FrameType.DATA, MeshFrame.FLAG_HOP_ACK,
                    8, 0, Parts.identity(2).address(), p.identity.address(), 9, new byte[30])), true);
            p.custody.accept(Parts.identity(2).address(), p.identity.address(), 9, FrameType.DATA.code, held, true, 0,
                    p.time.millis(), 60_000, MessageState.QUEUED);
            byte[] file = bundles.export();
            Decoded<Bundle> read = Bundle.read(file);
            assertTrue(read.isOk());
            List<byte[]> frames = read.value().frames();
            assertEquals(2, frames.size());
            assertEquals(FrameType.ANNOUNCE, FrameCodec.decode(frames.get(0)).value().type());
            assertEquals(1, FrameCodec.decode(frames.get(0)).value().hopLimit(), "our announce goes no further");
            assertFalse(FrameCodec.wantsHopAck(frames.get(1)), "carried frames ask no hop ACK");

            List<String> in = new CopyOnWriteArrayList<>();
            carried.start(new TransportListener() {
                @Override
                public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality q) {
                    in.add(from.value());
                }

                @Override
                public void onStateChanged(Transport t, TransportState s, String reason) {}
            });
            Decoded<Integer> imported = bundles.importFile(file);
            assertEquals(2, imported.value());
            assertEquals(List.of(p.identity.address().toHex(), p.identity.address().toHex()), in);
            file[60] ^= 1;
            assertFalse(bundles.importFile(file).isOk(), "a changed byte rejects the bundle whole");
            assertEquals(2, in.size());
        }
    }
}
