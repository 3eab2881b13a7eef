package net.sovereignbridge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code node.hop-limit} reaches the frames the daemon makes: seen on the wire by a static LAN peer. */
class GatewayHopLimitTest {
    @Test
    void theConfiguredHopLimitIsInTheAnnounceOnTheWire(@TempDir Path dir) throws Exception {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            peer.setSoTimeout(20_000);
            Path file = dir.resolve("sbridge.yaml");
            Files.writeString(file, "node:\n  hop-limit: 3\n"
                    + "lan:\n  bind: 127.0.0.1\n  port: 0\n  discovery: false\n"
                    + "  peers: [\"127.0.0.1:" + peer.getLocalPort() + "\"]\n"
                    + "p2p:\n  enabled: false\ncoap:\n  enabled: false\nmqtt:\n  enabled: false\n");
            GatewayConfig config = GatewayConfig.load(file, dir.resolve("state"), null);
            assertEquals(3, config.hopLimit());
            try (Gateway g = Gateway.start(config)) {
                // the node announces when its LAN comes up, by unicast to every static peer
                byte[] buf = new byte[2048];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                peer.receive(p);
                Decoded<MeshFrame> decoded = FrameCodec.decode(Arrays.copyOf(p.getData(), p.getLength()));
                assertTrue(decoded.isOk(), decoded.toString());
                MeshFrame announce = decoded.value();
                assertEquals(FrameType.ANNOUNCE, announce.type());
                assertEquals(g.identity().address(), announce.source());
                assertEquals(3, announce.hopLimit(), "node.hop-limit: 3");
                assertEquals(0, announce.hopCount());
            }
        }
    }
}
