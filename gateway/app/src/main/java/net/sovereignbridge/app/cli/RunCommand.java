package net.sovereignbridge.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import net.sovereignbridge.app.Gateway;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.GatewayConfig;
import net.sovereignbridge.app.systemd.SystemdNotifier;
import net.sovereignbridge.mesh.identity.IdentityFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Run the gateway in the foreground until SIGTERM or Ctrl-C.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: embedded defaults)")
    Path config;

    @Mixin
    StateDirOption state;

    @Option(names = "--lan-port", paramLabel = "N", description = "UDP port of the LAN transport (default 4242)")
    Integer lanPort;

    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "gateway",
            description = "gateway (default) or bootstrap: a high-uptime DHT seed (server mode, larger tables, no radios)")
    String role;

    @Override
    public Integer call() throws Exception {
        GatewayConfig cfg;
        GatewayConfig.Role r;
        switch (role.toLowerCase(java.util.Locale.ROOT)) {
            case "gateway" -> r = GatewayConfig.Role.GATEWAY;
            case "bootstrap" -> r = GatewayConfig.Role.BOOTSTRAP;
            default -> {
                System.err.println("sbridge: --role: '" + role + "' is not one of gateway, bootstrap");
                return ExitCodes.CONFIG;
            }
        }
        try {
            cfg = GatewayConfig.load(config, state.explicit(), lanPort, r);
        } catch (ConfigException e) {
            System.err.println("sbridge: configuration error: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        Logging.configure(cfg.logLevel());
        Gateway gateway;
        try {
            gateway = Gateway.start(cfg);
        } catch (IdentityFileException e) {
            System.err.println("sbridge: refusing to start: " + e.getMessage());
            return ExitCodes.IDENTITY;
        } catch (java.io.IOException | java.sql.SQLException e) {
            System.err.println("sbridge: cannot start: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            systemd.stopping();
            systemd.close();
            gateway.close();
            stopped.countDown();
        }, "shutdown"));
        var id = gateway.identity().publicIdentity();
        System.out.println("sbridge gateway running");
        System.out.println("  address  " + id.address().toHex());
        System.out.println("  did      " + id.did());
        System.out.println("  peerId   " + id.peerId());
        System.out.println("  role     " + cfg.role().name().toLowerCase(java.util.Locale.ROOT));
        System.out.println("  state    " + cfg.stateDir().toAbsolutePath());
        System.out.println("  control  " + gateway.control().socket().toAbsolutePath());
        if (gateway.overlay() != null) {
            for (String a : gateway.overlay().fullListenAddrs()) System.out.println("  listen   " + a);
        }
        for (String e : gateway.endpoints()) System.out.println("  endpoint " + e);
        System.out.flush();
        systemd.ready(gateway.statusLine());
        systemd.startWatchdog(gateway::healthy);
        while (!stopped.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
            systemd.status(gateway.statusLine());
        }
        return ExitCodes.OK;
    }
}
