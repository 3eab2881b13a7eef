package net.sovereignbridge.app.cli;

import java.io.IOException;
import java.util.Map;
import net.sovereignbridge.app.control.ControlClient;

/** One request to the running daemon for a CLI command: errors are printed, the command gets null. */
final class DaemonCall {
    private DaemonCall() {}

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
