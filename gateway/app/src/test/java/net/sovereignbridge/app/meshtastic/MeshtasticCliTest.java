package net.sovereignbridge.app.meshtastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.Main;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.drivers.meshtastic.Channel;
import net.sovereignbridge.drivers.meshtastic.Data;
import net.sovereignbridge.drivers.meshtastic.MeshtasticCodec;
import net.sovereignbridge.drivers.meshtastic.PacketHeader;
import net.sovereignbridge.drivers.meshtastic.PortNum;
import net.sovereignbridge.drivers.meshtastic.Position;
import net.sovereignbridge.drivers.meshtastic.User;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code sbridge meshtastic encode | decode} through the real root command. */
class MeshtasticCliTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void encodeGivesTheDocumentedVectorAndDecodeReadsItBack() {
        Run e = run("meshtastic", "encode", "--from", "!12345678", "--id", "1", "--text", "hi");
        assertEquals(0, e.exit(), e.err());
        assertEquals("ffffffff785634120100000063080000e77a519a3c45", e.out().strip(), "docs/meshtastic.md vector");
        Run d = run("meshtastic", "decode", e.out().strip(), "--json");
        assertEquals(0, d.exit(), d.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(d.out().strip());
        assertEquals("LongFast", m.get("channel"));
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) m.get("data");
        assertEquals("hi", data.get("text"));
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) m.get("header");
        assertEquals("!12345678", header.get("from"));
        assertEquals("!ffffffff", header.get("to"));
        assertEquals(8L, header.get("channelHash"));
    }

    @Test
    void aPrivateChannelRoundTripsAndOtherChannelsAreRefused() {
        String key = "AAECAwQFBgcICQoLDA0ODw==";
        Run e = run("meshtastic", "encode", "--channel", "Bridge", "--key", key, "--from", "0xdeadbeef", "--to",
                "!00000042", "--id", "4242", "--text", "ünïcødé ✓", "--hop-limit", "5", "--want-ack", "--ok-to-mqtt",
                "--json");
        assertEquals(0, e.exit(), e.err());
        String hex = (String) ((Map<?, ?>) Json.parse(e.out().strip())).get("hex");
        Run d = run("meshtastic", "decode", hex, "--channel", "Bridge", "--key", key);
        assertEquals(0, d.exit(), d.err());
        assertTrue(d.out().contains("text: ünïcødé ✓"), d.out());
        assertTrue(d.out().contains("okToMqtt: true"), d.out());
        assertTrue(d.out().contains("to !00000042 from !deadbeef id 0x00001092 hops 5/5 want-ack"), d.out());
        Run wrong = run("meshtastic", "decode", hex);
        assertEquals(1, wrong.exit());
        assertTrue(wrong.err().contains("wrong channel: no configured channel has hash"), wrong.err());
    }

    @Test
    void nodeInfoAndPositionAreShown() {
        Channel c = Channel.defaultChannel();
        PacketHeader h = PacketHeader.originate(-1, 0x0A0B0C0D, 7, 3, false, c.hash());
        byte[] info = MeshtasticCodec.seal(h, Data.of(PortNum.NODEINFO_APP,
                User.of(0x0A0B0C0D, "Gateway", "GW").encode()), c);
        Run r = run("meshtastic", "decode", HexFormat.of().formatHex(info));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("longName: Gateway") && r.out().contains("id: !0a0b0c0d"), r.out());
        byte[] pos = MeshtasticCodec.seal(h, Data.of(PortNum.POSITION_APP,
                Position.at(48.8566, 2.3522, 35, 1_700_000_000, 13).encode()), c);
        r = run("meshtastic", "decode", HexFormat.of().formatHex(pos), "--json");
        assertEquals(0, r.exit(), r.err());
        Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) Json.parse(r.out().strip())).get("data");
        assertEquals(48.8566, (Double) data.get("latitude"), 1e-7);
        assertEquals(13L, data.get("precisionBits"));
    }

    @Test
    void badInputGetsAClearMessage() {
        for (List<String> args : List.of(
                List.of("meshtastic", "decode", "zz"),
                List.of("meshtastic", "decode", "ffff", "--key", "!!"),
                List.of("meshtastic", "encode", "--from", "!ffffffff", "--id", "1", "--text", "x"),
                List.of("meshtastic", "encode", "--from", "5", "--id", "1", "--text", "x".repeat(240)),
                List.of("meshtastic", "encode", "--from", "5", "--id", "1", "--text", "x", "--hop-limit", "8"))) {
            Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), args + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("sbridge meshtastic "), r.err());
        }
        Run truncated = run("meshtastic", "decode", "ffffffff7856");
        assertEquals(1, truncated.exit());
        assertTrue(truncated.err().contains("truncated"), truncated.err());
    }
}
