package net.sovereignbridge.app.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "messages", description = "List messages this node sent and their states: queued, sent, delivered, expired, failed.")
public final class MessagesCommand implements Callable<Integer> {
    @Mixin
    StateDirOption state;

    @Option(names = "--json", description = "print JSON: {\"messages\": [{messageId, to, state, attempts, createdAt, updatedAt, expiresAt}]}")
    boolean json;

    @Option(names = "--limit", defaultValue = "100", description = "at most this many, newest first")
    long limit;

    @Override
    public Integer call() {
        return DaemonCall.printMessages(state, Map.of("op", "messages", "limit", limit), json,
                m -> m.get("messageId") + "  " + m.get("state") + "  to " + m.get("to") + "  attempts "
                        + m.get("attempts") + "  updated " + m.get("updatedAt"));
    }
}
