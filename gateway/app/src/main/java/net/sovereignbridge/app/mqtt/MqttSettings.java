package net.sovereignbridge.app.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.mesh.topics.TopicBody;
import net.sovereignbridge.mesh.topics.Topics;

/**
 * The {@code mqtt.*} configuration keys (docs/configuration.md). {@code broker: embedded} (the default)
 * means a broker on 127.0.0.1:{@code embedded-port}: the system's Mosquitto when one listens there (as on
 * the images), otherwise a Mosquitto child process the gateway starts and stops.
 */
public record MqttSettings(boolean enabled, String broker, int embeddedPort, String username, String password,
        Path caFile, String clientId, int queueLimit, int ingressPerMinute, int ingressBurst, List<String> topics,
        Path deviceAccounts) {

    public static final String EMBEDDED = "embedded";

    public boolean embedded() {
        return EMBEDDED.equals(broker);
    }

    public static MqttSettings defaults() {
        return new MqttSettings(true, EMBEDDED, 1883, null, null, null, null, 1000, 60, 20, List.of(Topics.ALL), null);
    }

    public MqttSettings withBroker(String uri) {
        return new MqttSettings(enabled, uri, embeddedPort, username, password, caFile, clientId, queueLimit,
                ingressPerMinute, ingressBurst, topics, deviceAccounts);
    }

    /** The same with the account the bridge logs in with (the embedded broker's own). */
    public MqttSettings withCredentials(String user, String pass) {
        return new MqttSettings(enabled, broker, embeddedPort, user, pass, caFile, clientId, queueLimit,
                ingressPerMinute, ingressBurst, topics, deviceAccounts);
    }

    /** True when mesh topic {@code name} is bridged to and from {@code sbridge/topic/<name>}. */
    public boolean bridges(String name) {
        return topics.contains(Topics.ALL) || topics.contains(name);
    }

    @Override
    public String toString() {
        return "MqttSettings[broker=" + broker + ", user=" + username + "]"; // never the password
    }

    public static MqttSettings read(ConfigNode mqtt) throws ConfigException {
        MqttSettings d = defaults();
        boolean enabled = mqtt.bool("enabled", d.enabled());
        String broker = mqtt.string("broker", d.broker());
        if (!EMBEDDED.equals(broker)) {
            try {
                URI u = new URI(broker);
                if (!"tcp".equals(u.getScheme()) && !"ssl".equals(u.getScheme())) {
                    throw mqtt.invalid("broker", "'" + broker + "': use tcp://host:port, ssl://host:port or embedded");
                }
                if (u.getHost() == null) throw mqtt.invalid("broker", "'" + broker + "' names no host");
            } catch (URISyntaxException e) {
                throw mqtt.invalid("broker", "'" + broker + "' is not a URI: " + e.getMessage());
            }
        }
        int embeddedPort = (int) mqtt.integer("embedded-port", d.embeddedPort(), 1, 65535);
        String user = mqtt.string("username", null);
        String password = mqtt.string("password", null);
        if (password != null && user == null) throw mqtt.invalid("password", "a password needs mqtt.username");
        String ca = mqtt.string("ca-file", null);
        if (ca != null && !broker.startsWith("ssl://")) throw mqtt.invalid("ca-file", "only used with an ssl:// broker");
        String clientId = mqtt.string("client-id", null);
        if (clientId != null && (clientId.isEmpty() || clientId.length() > 64)) {
            throw mqtt.invalid("client-id", "1..64 characters");
        }
        int queue = (int) mqtt.integer("queue-limit", d.queueLimit(), 1, 100_000);
        int perMinute = (int) mqtt.integer("ingress-per-minute", d.ingressPerMinute(), 1, 100_000);
        int burst = (int) mqtt.integer("ingress-burst", d.ingressBurst(), 1, 10_000);
        List<String> topics = mqtt.strings("topics", d.topics());
        if (topics.size() > Topics.MAX_TOPICS) throw mqtt.invalid("topics", "at most " + Topics.MAX_TOPICS + " names");
        for (String t : topics) {
            String problem = Topics.ALL.equals(t) ? null : TopicBody.nameProblem(t);
            if (problem != null) throw mqtt.invalid("topics", "'" + t + "': " + problem);
        }
        String accounts = mqtt.string("device-accounts", null);
        if (accounts != null && !EMBEDDED.equals(broker)) {
            throw mqtt.invalid("device-accounts", "only used with the embedded broker (mqtt.broker: embedded)");
        }
        return new MqttSettings(enabled, broker, embeddedPort, user, password, ca == null ? null : Path.of(ca),
                clientId, queue, perMinute, burst, List.copyOf(topics), accounts == null ? null : Path.of(accounts));
    }
}
