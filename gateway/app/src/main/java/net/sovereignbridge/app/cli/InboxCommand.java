package net.sovereignbridge.app.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "inbox", description = "List messages delivered to this node (asks the running daemon).")
public final class InboxCommand implements Callable<Integer> {
    @Mixin
    StateDirOption state;

    @Option(names = "--json", description = "print JSON: {\"messages\": [{id, from, messageId, sentAt, receivedAt, transport, text, data}]}")
    boolean json;

    @Option(names = "--after", paramLabel = "ID", description = "only messages with a local id above this")
    long after;

    @Override
    public Integer call() {
        return DaemonCall.printMessages(state, Map.of("op", "inbox", "after", after), json,
                m -> m.get("id") + "  " + m.get("receivedAt") + "  from " + m.get("from") + " via "
                        + m.get("transport") + ": " + m.get("text"));
    }
}
