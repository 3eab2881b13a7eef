package net.sovereignbridge.app.meshtastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactories;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.lora.LoraTransport;
import net.sovereignbridge.drivers.meshtastic.Channel;
import net.sovereignbridge.drivers.meshtastic.MeshtasticRegion;
import net.sovereignbridge.drivers.meshtastic.ModemPreset;
import net.sovereignbridge.mesh.identity.MeshAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code meshtastic} section's keys: values read, defaults, bad values refused with file, line and key. */
class MeshtasticTransportFactoryTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String transport) throws Exception {
        Path f = dir.resolve("sbridge.yaml");
        Files.writeString(f, "lan:\n  enabled: false\ntransports:\n  - " + transport + "\n");
        // no radio is opened while reading: the opener refuses everything
        return GatewayConfig.load(f, null, null, GatewayConfig.Role.GATEWAY, TransportFactories.all(w -> {
            throw new java.io.IOException("no radio here");
        }, LoraTransport.TimeSource.SYSTEM));
    }

    private static MeshtasticTransportFactory.Config config(GatewayConfig c, String id) {
        return ((MeshtasticTransportFactory.Settings) c.transport(id).orElseThrow()).config();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        String addr = "00112233445566778899aabbccddeeff";
        var c = config(load("{type: meshtastic, id: mesh1, board: station-g3, region: US, preset: MediumFast, "
                + "channel: Hikers, psk: " + java.util.Base64.getEncoder().encodeToString(new byte[16]) + ", "
                + "node-number: '!5b0b0001', long-name: Bridge at the hut, short-name: HUT, topic: hikers, "
                + "dm-to: " + addr + ", hop-limit: 4, relay-hop-limit: 2, internet-share: 0.1, "
                + "node-info-interval-s: 3600, power: 20, mqtt-broker: 'tcp://mqtt.example.org:1883', mqtt-root: msh/US/hikers, "
                + "mqtt-downlink: true}"),
                "mesh1");
        assertEquals("station-g3", c.board());
        assertEquals(MeshtasticRegion.US, c.region());
        assertEquals(ModemPreset.MEDIUM_FAST, c.preset());
        assertEquals(Channel.of("Hikers", new byte[16]), c.channel());
        assertEquals(Optional.of(0x5B0B0001), c.nodeNumber());
        assertEquals("Bridge at the hut", c.longName());
        assertEquals("HUT", c.shortName());
        assertEquals("hikers", c.topic());
        assertEquals(Optional.of(MeshAddress.parse(addr)), c.dmTo());
        assertEquals(4, c.hopLimit());
        assertEquals(2, c.relayHopLimit());
        assertEquals(0.1, c.internetShare());
        assertEquals(3600, c.nodeInfoIntervalSeconds());
        assertEquals(20, c.powerDbm().getAsInt());
        assertEquals(Optional.of("tcp://mqtt.example.org:1883"), c.mqttBroker());
        assertEquals("msh/US/hikers", c.mqttRoot());
        assertTrue(c.mqttDownlink());
    }

    @Test
    void theDefaultsAreLongFastWithTheDefaultKeyAndATopicNamedAfterTheChannel() throws Exception {
        var c = config(load("{type: meshtastic, id: mesh0, board: rak6421-rak13300-slot1, region: EU_868}"), "mesh0");
        assertEquals(ModemPreset.LONG_FAST, c.preset());
        assertEquals(Channel.defaultChannel(), c.channel());
        assertEquals(0x08, c.channel().hash());
        assertEquals("meshtastic.LongFast", c.topic());
        assertEquals(Optional.empty(), c.nodeNumber());
        assertEquals(Optional.empty(), c.dmTo());
        assertEquals(3, c.hopLimit());
        assertEquals(0, c.relayHopLimit(), "relaying is off by default");
        assertEquals(0.25, c.internetShare());
        assertEquals(10_800, c.nodeInfoIntervalSeconds());
        assertEquals(Optional.empty(), c.mqttBroker(), "no Meshtastic MQTT unless asked");
        assertEquals("msh/EU_868", c.mqttRoot());
        assertEquals(false, c.mqttDownlink(), "nothing from the internet on air unless asked");
        // an unnamed channel on another preset is that preset's channel
        var slow = config(load("{type: meshtastic, id: mesh0, board: station-g3, region: US, preset: long-slow}"),
                "mesh0");
        assertEquals("LongSlow", slow.channel().name());
        assertEquals("meshtastic.Hut_1", MeshtasticTransportFactory.defaultTopic("Hut 1"));
    }

    @Test
    void theNodeNumberFollowsTheMeshAddressAndAvoidsTheReservedValues() {
        assertEquals(0x00112233, MeshtasticTransportFactory.nodeNumberOf(
                MeshAddress.parse("00112233445566778899aabbccddeeff")));
        assertEquals(5, MeshtasticTransportFactory.nodeNumberOf(MeshAddress.parse("00000001" + "0".repeat(24))));
        assertEquals(0xFFFFFFFE, MeshtasticTransportFactory.nodeNumberOf(MeshAddress.parse("ffffffff" + "0".repeat(24))));
    }

    private static TransportFactory.Down down(GatewayConfig c) {
        return assertInstanceOf(TransportFactory.Down.class, c.transport("mesh0").orElseThrow()
                .bringUp(new TransportContext(MeshAddress.parse("00112233445566778899aabbccddeeff"))));
    }

    @Test
    void aChannelOutsideTheBoardsBandOrAPowerAboveTheLimitIsDownWithTheReason() throws Exception {
        // the MeshAdv-Pi E22-900M30S covers 850-930 MHz: EU_433 is not for it
        TransportFactory.Down band = down(load("{type: meshtastic, id: mesh0, board: meshadv-pi-e22-900m30s, "
                + "region: EU_433}"));
        assertTrue(band.reason().contains("EU_433 LongFast is on 433.") && band.reason().contains("outside the band of board"),
                band.reason());
        // its PA adds 8 dB: 22 dBm from the chip is 30 dBm, above EU_868's 27 dBm (Meshtastic's, lower than ours)
        TransportFactory.Down power = down(load("{type: meshtastic, id: mesh0, board: meshadv-pi-e22-900m30s, "
                + "region: EU_868, power: 22}"));
        assertTrue(power.reason().contains("power 22 dBm + 8 dB gain") && power.reason().contains("27 dBm EIRP"),
                power.reason());
        // within the limits the radio is next; without a node to bridge to it is not opened
        TransportFactory.Down noNode = down(load("{type: meshtastic, id: mesh0, board: meshadv-pi-e22-900m30s, "
                + "region: EU_868}"));
        assertTrue(noNode.reason().contains("no node"), noNode.reason());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{type: meshtastic, id: mesh0, region: EU_868}|transports[0].board: missing",
        "{type: meshtastic, id: mesh0, board: station-g3}|transports[0].region: missing",
        "{type: meshtastic, id: mesh0, board: station-g3, region: EU868X}|transports[0].region: 'EU868X' is not one of",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, preset: VeryFast}|transports[0].preset: 'VeryFast'",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, channel: twelve-bytes}|transports[0].channel: Meshtastic channel names are at most 11 bytes",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, psk: '!!'}|transports[0].psk: not base64",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, psk: AAAA}|transports[0].psk: a channel key is 0, 1, 16 or 32 bytes",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, node-number: '!ffffffff'}|transports[0].node-number: !ffffffff is reserved",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, node-number: '2'}|transports[0].node-number: !00000002 is reserved",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, node-number: hello}|transports[0].node-number: 'hello' is not a node number",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, short-name: TOOLONG}|transports[0].short-name: at most 4 bytes",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, topic: 'bad topic'}|transports[0].topic: topic name has ' '",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, dm-to: xyz}|transports[0].dm-to: 'xyz' is not a mesh address",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, hop-limit: 8}|transports[0].hop-limit: 8 is out of range 1..7",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, internet-share: 2}|transports[0].internet-share",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, node-info-interval-s: 60}|transports[0].node-info-interval-s: 60 is below 600",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, mqtt-broker: 'mqtt.example.org'}|transports[0].mqtt-broker: 'mqtt.example.org' is not tcp://HOST:PORT",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, mqtt-root: 'msh/#'}|transports[0].mqtt-root: 'msh/#' is not a topic root",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, mqtt-downlink: true}|transports[0].mqtt-downlink: needs mqtt-broker",
        "{type: meshtastic, id: mesh0, board: station-g3, region: US, colour: blue}|transports[0].colour: unknown key",
    })
    void badValuesNameFileLineAndKey(String section, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(section));
        // a bad value is named with its line; a missing key with its section's path
        String where = expected.contains(": missing") ? "sbridge.yaml: " : "sbridge.yaml:4";
        assertTrue(e.getMessage().contains(where) && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void thereIsNoShorthand() {
        ConfigException e = assertThrows(ConfigException.class, () -> {
            Path f = dir.resolve("sbridge.yaml");
            Files.writeString(f, "lan:\n  enabled: false\nmeshtastic:\n  board: station-g3\n");
            GatewayConfig.load(f, null, null);
        });
        assertTrue(e.getMessage().contains("meshtastic.board") && e.getMessage().contains("transports:"), e.getMessage());
    }
}
