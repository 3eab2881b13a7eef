package net.sovereignbridge.app;

import net.sovereignbridge.app.cli.BundleCommand;
import net.sovereignbridge.app.cli.IdentityCommand;
import net.sovereignbridge.app.cli.InboxCommand;
import net.sovereignbridge.app.cli.Logging;
import net.sovereignbridge.app.cli.MessagesCommand;
import net.sovereignbridge.app.cli.P2pCommand;
import net.sovereignbridge.app.cli.RunCommand;
import net.sovereignbridge.app.cli.SendCommand;
import net.sovereignbridge.app.cli.StatusCommand;
import net.sovereignbridge.app.cli.TransportCommand;
import net.sovereignbridge.app.dht.DhtCommand;
import net.sovereignbridge.app.meshtastic.MeshtasticCommand;
import net.sovereignbridge.app.modem.ModemCommand;
import net.sovereignbridge.app.power.PowerBudgetCommand;
import net.sovereignbridge.app.sim.SimCommand;
import net.sovereignbridge.app.transport.lora.BoardCommand;
import net.sovereignbridge.app.transport.lora.LoraCommand;
import net.sovereignbridge.app.transport.satellite.SatelliteCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the sbridge daemon and CLI. */
@Command(name = "sbridge", mixinStandardHelpOptions = true, version = "sbridge " + Main.VERSION,
        description = "Sovereign Bridge mesh gateway",
        subcommands = {RunCommand.class, IdentityCommand.class, SendCommand.class, InboxCommand.class,
                StatusCommand.class, MessagesCommand.class, BundleCommand.class, SimCommand.class, LoraCommand.class,
                BoardCommand.class, PowerBudgetCommand.class, DhtCommand.class, P2pCommand.class,
                MeshtasticCommand.class, TransportCommand.class, SatelliteCommand.class, ModemCommand.class,
                net.sovereignbridge.app.content.ContentCommand.class})
public final class Main implements Runnable {
    /** The gateway's version, as {@code sbridge --version}, the dashboard and {@code sbridge_info} show it. */
    public static final String VERSION = "0.1.0";

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code; usage errors exit 2 like configuration errors. */
    public static int execute(String... args) {
        Logging.configure(System.getProperty("sbridge.log", "warn"));
        CommandLine cli = new CommandLine(new Main());
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
