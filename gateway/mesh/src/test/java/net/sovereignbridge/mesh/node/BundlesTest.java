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
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.transport.CarriedTransport;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.TrafficOrigin;
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
            p.custody.acceptOwn(Parts.identity(2).address(), p.identity.address(), 9, FrameType.DATA.code, held, 0,
                    p.time.millis(), 60_000, MessageState.QUEUED, TrafficOrigin.LOCAL);
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
            Decoded<Bundle.ImportReport> imported = bundles.importFile(file);
            assertEquals(new Bundle.ImportReport(2, 2, 0, null), imported.value());
            assertEquals(List.of(p.identity.address().toHex(), p.identity.address().toHex()), in);
            file[60] ^= 1;
            assertFalse(bundles.importFile(file).isOk(), "a changed byte rejects the bundle whole");
            assertEquals(2, in.size());
        }
    }

    @Test
    void aSignedBundleOfGarbageFramesIsCountedAsRejectedAndNothingIsDelivered() throws Exception {
        NodeIdentity exporter = Parts.identity(7);
        java.util.Random random = new java.util.Random(21);
        List<byte[]> garbage = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] f = new byte[40 + random.nextInt(60)];
            random.nextBytes(f);
            f[0] = (byte) 0xF0; // never a known version
            garbage.add(f);
        }
        byte[] good = FrameCodec.encode(new MeshFrame(FrameType.DATA, 0, 8, 0, Parts.identity(2).address(),
                exporter.address(), 9, new byte[30]));
        CarriedTransport carried = new CarriedTransport();
        List<byte[]> in = new CopyOnWriteArrayList<>();
        carried.start(new TransportListener() {
            @Override
            public void onFrame(Transport t, Endpoint from, byte[] frame, LinkQuality q) {
                in.add(frame);
            }

            @Override
            public void onStateChanged(Transport t, TransportState s, String reason) {}
        });
        Bundles bundles = new Bundles(exporter, null, null, carried, java.time.Clock.systemUTC());
        Bundle.ImportReport r = bundles.importFile(new Bundle(exporter.publicIdentity(), 1, garbage).sign(exporter)).value();
        assertEquals(1000, r.frames());
        assertEquals(0, r.accepted());
        assertEquals(1000, r.rejected());
        assertEquals("frame 0: UNKNOWN_VERSION frame version 15", r.firstRejection());
        assertEquals(0, in.size());

        List<byte[]> mixed = new java.util.ArrayList<>(garbage.subList(0, 3));
        mixed.add(good);
        r = bundles.importFile(new Bundle(exporter.publicIdentity(), 1, mixed).sign(exporter)).value();
        assertEquals(new Bundle.ImportReport(4, 1, 3, "frame 0: UNKNOWN_VERSION frame version 15"), r);
        assertEquals(1, in.size());
    }

    @Test
    void aShortFileWithTheMagicIsTruncatedNotForeign() {
        Decoded<Bundle> r = Bundle.read("SBB1 and a little".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("bundle file truncated: 17 bytes, even an empty bundle has 112", ((Decoded.Error<Bundle>) r).detail());
        r = Bundle.read("PK\3\4 a zip file".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("not a bundle file (no SBB1 header)", ((Decoded.Error<Bundle>) r).detail());
    }
}
