package net.sovereignbridge.app.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.cli.Json;

/** A gateway view with every part running (a LoRa radio, overlay, DHT, CoAP, MQTT), from a status as the daemon writes it. */
class FakeGateway implements GatewayView {
    static final String STATUS = """
            {"ok":true,"address":"00112233445566778899aabbccddeeff","did":"did:key:z6Mk","peerId":"12D3KooW","name":"roof <b>",
             "transports":[
              {"id":"lan","type":"lan","kind":"DUPLEX","state":"ACTIVE","mtu":1200,"reason":"","framesIn":12,"framesOut":7,
               "bytesIn":3400,"bytesOut":2100,"sendFailures":0,"drops":{"REPLAY":2},"neighbours":1},
              {"id":"lora0","type":"lora","kind":"BROADCAST","state":"ACTIVE","mtu":255,"reason":"","framesIn":3,"framesOut":4,
               "bytesIn":300,"bytesOut":400,"sendFailures":1,"drops":{},"neighbours":0,"subBand":"g3","dutyCycle":0.1,
               "airtimeLastHourMs":1800,"budgetMs":360000,"internetAirtimeLastHourMs":200,"internetBudgetMs":36000,
               "queuedLocal":2,"queuedInternet":0,"channelBusy":5,"budgetWaits":1,"foreignPackets":9},
              {"id":"lora1","type":"lora","state":"UNAVAILABLE","reason":"no /dev/spidev0.1 \\"SPI off\\""}],
             "peers":[{"address":"ffeeddccbbaa99887766554433221100","name":"hill","did":"did:key:z6Mx","neighbour":true}],
             "inbox":3,"routes":2,"custodyPending":1,
             "custody":{"own":1,"ownLimit":1000,"relayed":0,"relayedLimit":2000,"relayedUnknownOrigin":0,
              "relayedUnknownOriginLimit":100,"refused":{"OWN_FULL":0,"RELAYED_FULL":4,"DISPLACED":1}},
             "flood":{"rebroadcasts":3,"suppressed":1},"routing":{"direct+route":5,"flood":1,"geoLocalMinimum":0},
             "topics":{"subscribed":["weather"],"delivered":4,"rateLimited":0},
             "p2p":{"ok":true,"connections":2,"meshNeighbours":1,"knownPeers":5,"reachability":"PUBLIC"},
             "dht":{"ok":true,"mode":"server","routingTable":7,"requestsServed":11,"requestsFailed":1,"recordsRefused":0,"providersRefused":0},
             "services":{"coap":{"listening":["coap://127.0.0.1:5683"],"observers":1,"observersRefused":0,"uploads":0,
               "uploadsRefused":0,"unauthorized":2},
              "mqtt":{"broker":"tcp://127.0.0.1:1883","connected":true,"published":8,"received":6,"rejected":1,"waiting":0,"dropped":0}}}
            """;

    @Override
    public Map<String, Object> status() {
        return Json.parseObject(STATUS);
    }

    @Override
    public List<NeighbourView> neighbours() {
        return List.of(new NeighbourView("lan", "127.0.0.1:4242", "ffeeddccbbaa99887766554433221100", Double.NaN, Double.NaN,
                3, 0.0, Instant.now().minusSeconds(4)));
    }

    @Override
    public Map<String, Long> ownMessagesByState() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("QUEUED", 1L);
        m.put("SENT", 0L);
        m.put("DELIVERED", 2L);
        m.put("EXPIRED", 0L);
        m.put("FAILED", 0L);
        return m;
    }

    @Override
    public List<Map<String, Object>> messages(int limit) {
        return List.of(Map.of("messageId", 77L, "to", "ffeeddccbbaa99887766554433221100", "state", "delivered", "attempts", 1,
                "createdAt", "2026-12-04T00:00:00Z", "updatedAt", "2026-12-04T00:00:01Z", "expiresAt", "2026-12-11T00:00:00Z"));
    }
}
