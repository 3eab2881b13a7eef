package net.sovereignbridge.app;

import net.sovereignbridge.app.transport.lora.BoardCommand;
import net.sovereignbridge.app.transport.lora.LoraCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the sbridge daemon and CLI. */
@Command(name = "sbridge", mixinStandardHelpOptions = true, version = "sbridge 0.1.0",
        description = "Sovereign Bridge mesh gateway",
        subcommands = {LoraCommand.class, BoardCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
