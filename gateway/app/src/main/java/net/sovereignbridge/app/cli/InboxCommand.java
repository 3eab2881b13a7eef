package net.sovereignbridge.app.cli;

import java.util.List;
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
    @SuppressWarnings("unchecked")
    public Integer call() {
        Map<String, Object> answer = DaemonCall.ok(state, Map.of("op", "inbox", "after", after));
        if (answer == null) return ExitCodes.FAILED;
        if (json) {
            System.out.println(Json.write(Map.of("messages", answer.get("messages"))));
            return ExitCodes.OK;
        }
        for (Object o : (List<Object>) answer.get("messages")) {
            Map<String, Object> m = (Map<String, Object>) o;
            System.out.println(m.get("id") + "  " + m.get("receivedAt") + "  from " + m.get("from") + " via "
                    + m.get("transport") + ": " + m.get("text"));
        }
        return ExitCodes.OK;
    }
}
