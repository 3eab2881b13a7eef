package net.sovereignbridge.app.cli;

import java.util.List;
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
    @SuppressWarnings("unchecked")
    public Integer call() {
        Map<String, Object> answer = DaemonCall.ok(state, Map.of("op", "messages", "limit", limit));
        if (answer == null) return ExitCodes.FAILED;
        if (json) {
            System.out.println(Json.write(Map.of("messages", answer.get("messages"))));
            return ExitCodes.OK;
        }
        for (Object o : (List<Object>) answer.get("messages")) {
            Map<String, Object> m = (Map<String, Object>) o;
            System.out.println(m.get("messageId") + "  " + m.get("state") + "  to " + m.get("to") + "  attempts "
                    + m.get("attempts") + "  updated " + m.get("updatedAt"));
        }
        return ExitCodes.OK;
    }
}
