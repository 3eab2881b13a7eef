package net.sovereignbridge.app.services;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.sovereignbridge.app.coap.CoapService;
import net.sovereignbridge.app.coap.CoapSettings;
import net.sovereignbridge.app.mqtt.LoopbackBroker;
import net.sovereignbridge.app.mqtt.MqttBridge;
import net.sovereignbridge.app.mqtt.MqttSettings;
import net.sovereignbridge.mesh.node.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CoAP and MQTT for local devices, started after the node. Like an absent radio, a service that cannot
 * start (port taken, no broker, no Mosquitto) is reported UNAVAILABLE with the reason; the gateway runs on.
 */
public final class LocalServices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalServices.class);

    private CoapService coap;
    private MqttBridge mqtt;
    private LoopbackBroker broker;
    private final Map<String, String> unavailable = new LinkedHashMap<>();

    public static LocalServices start(CoapSettings coapSettings, MqttSettings mqttSettings, Node node,
            Supplier<Map<String, Object>> status, Path stateDir) {
        return start(coapSettings, mqttSettings, node, status, stateDir, null);
    }

    /** As above; {@code dhtGet} (null without a DHT) serves CoAP {@code /dht/{key}}. */
    public static LocalServices start(CoapSettings coapSettings, MqttSettings mqttSettings, Node node,
            Supplier<Map<String, Object>> status, Path stateDir,
            java.util.function.Function<byte[], Map<String, Object>> dhtGet) {
        LocalServices s = new LocalServices();
        if (coapSettings.enabled()) {
            try {
                s.coap = CoapService.start(coapSettings, node, status, stateDir, dhtGet);
                if (s.coap.listening().isEmpty()) s.unavailable.put("coap", "no endpoint could bind: " + s.coap.status());
            } catch (IOException | RuntimeException e) {
                s.unavailable.put("coap", String.valueOf(e.getMessage()));
                log.warn("CoAP not available: {}", e.getMessage());
            }
        }
        if (mqttSettings.enabled()) {
            try {
                String uri = mqttSettings.broker();
                MqttSettings bridgeSettings = mqttSettings;
                MqttBridge.BrokerOrigin origin = MqttBridge.BrokerOrigin.CONFIGURED;
                if (mqttSettings.embedded()) {
                    s.broker = LoopbackBroker.ensure(mqttSettings.embeddedPort(), stateDir.resolve("mqtt"),
                            mqttSettings.deviceAccounts());
                    uri = s.broker.uri();
                    if (s.broker.owned()) {
                        bridgeSettings = mqttSettings.withCredentials(s.broker.username(), s.broker.password());
                        origin = MqttBridge.BrokerOrigin.STARTED;
                    } else {
                        origin = MqttBridge.BrokerOrigin.LOCAL;
                    }
                }
                s.mqtt = MqttBridge.start(bridgeSettings, uri, node, origin);
            } catch (IOException | RuntimeException e) {
                s.unavailable.put("mqtt", String.valueOf(e.getMessage()));
                log.warn("MQTT not available: {}", e.getMessage());
            }
        }
        return s;
    }

    public CoapService coap() {
        return coap;
    }

    public MqttBridge mqtt() {
        return mqtt;
    }

    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (coap != null) m.put("coap", coap.status());
        if (mqtt != null) {
            Map<String, Object> q = new LinkedHashMap<>(mqtt.status());
            if (broker != null) q.put("embeddedBroker", broker.owned() ? "started by sbridge" : "already running");
            m.put("mqtt", q);
        }
        unavailable.forEach((k, why) -> m.put(k, Map.of("state", "UNAVAILABLE", "reason", why)));
        return m;
    }

    /** Lines for the start-up banner. */
    public List<String> endpoints() {
        List<String> out = new ArrayList<>();
        if (coap != null) coap.listening().forEach(u -> out.add("coap " + u));
        if (mqtt != null) out.add("mqtt " + mqtt.status().get("broker") + " topics " + mqtt.topic("#"));
        unavailable.forEach((k, why) -> out.add(k + " UNAVAILABLE: " + why));
        return out;
    }

    @Override
    public void close() {
        if (mqtt != null) mqtt.close();
        if (broker != null) broker.close();
        if (coap != null) coap.close();
    }
}
