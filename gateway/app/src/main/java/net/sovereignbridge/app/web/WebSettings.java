package net.sovereignbridge.app.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;

/**
 * The {@code web.*} configuration keys (docs/configuration.md): the status dashboard and {@code /metrics} on
 * the JDK's HTTP server. On loopback (the default) anyone on the box may read them, as they may run
 * {@code sbridge status}; on any other address every request needs the token from the state directory.
 *
 * @param bind one IP address to listen on (127.0.0.1, ::1, 0.0.0.0, or an interface's address)
 * @param port TCP port; 0 picks a free one (tests)
 * @param maxConnections connections served at once; more are refused until one closes
 * @param requestSeconds a client must send its whole request within this time (slow senders are cut off)
 */
public record WebSettings(boolean enabled, String bind, int port, int maxConnections, int requestSeconds) {
    public static final int DEFAULT_PORT = 8042;

    public static WebSettings defaults() {
        return new WebSettings(true, "127.0.0.1", DEFAULT_PORT, 16, 10);
    }

    public static WebSettings read(ConfigNode web) throws ConfigException {
        WebSettings d = defaults();
        boolean enabled = web.bool("enabled", d.enabled());
        String bind = web.string("bind", d.bind());
        if (!bind.matches("[0-9A-Fa-f.:]+")) {
            throw web.invalid("bind", "'" + bind + "' is not an IP address (127.0.0.1 for loopback only, 0.0.0.0 for all)");
        }
        try {
            InetAddress.getByName(bind); // a literal: never a name lookup
        } catch (UnknownHostException e) {
            throw web.invalid("bind", "'" + bind + "' is not an IP address");
        }
        int port = (int) web.integer("port", d.port(), 0, 65535);
        int max = (int) web.integer("max-connections", d.maxConnections(), 2, 256);
        int request = (int) web.integer("request-seconds", d.requestSeconds(), 1, 300);
        return new WebSettings(enabled, bind, port, max, request);
    }

    /** Whether only this machine can reach the server (then no token is asked for). */
    public boolean loopbackOnly() {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
