package net.sovereignbridge.app.cli;

import java.io.IOException;
import java.util.Map;
import net.sovereignbridge.app.control.ControlClient;

/** One request to the running daemon for a CLI command: errors are printed, the command gets null. */
final class DaemonCall {
    private DaemonCall() {}

    /**
     * Asks for a list under "messages" and prints it: as {"messages": [...]} JSON, or one line per entry.
     *
     * @return the command's exit code
     */
    @SuppressWarnings("unchecked")
    static int printMessages(StateDirOption state, Map<String, Object> request, boolean json,
            java.util.function.Function<Map<String, Object>, String> line) {
        Map<String, Object> answer = ok(state, request);
        if (answer == null) return ExitCodes.FAILED;
        if (json) {
            System.out.println(Json.write(Map.of("messages", answer.get("messages"))));
        } else {
            for (Object o : (java.util.List<Object>) answer.get("messages")) {
                System.out.println(line.apply((Map<String, Object>) o));
            }
        }
        return ExitCodes.OK;
    }

    /** The daemon's answer when it says ok; otherwise prints why to stderr and returns null. */
    static Map<String, Object> ok(StateDirOption state, Map<String, Object> request) {
        try {
            Map<String, Object> answer = ControlClient.call(state.resolve(), request);
            if (Boolean.TRUE.equals(answer.get("ok"))) return answer;
            System.err.println("sbridge: " + answer.get("error"));
        } catch (IOException e) {
            System.err.println("sbridge: " + e.getMessage());
        }
        return null;
    }
}
