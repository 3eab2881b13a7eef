package net.sovereignbridge.app.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.control.ControlClient;
import net.sovereignbridge.mesh.identity.IdentifierFormatException;
import net.sovereignbridge.mesh.identity.MeshAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "send", description = "Send a text message through the running daemon.")
public final class SendCommand implements Callable<Integer> {
    @Mixin
    StateDirOption state;

    @Option(names = "--json", description = "print the daemon's answer as JSON")
    boolean json;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "destination mesh address (32 hex characters)")
    String address;

    @Parameters(index = "1", paramLabel = "TEXT", description = "message text")
    String text;

    @Override
    public Integer call() {
        try {
            MeshAddress.parse(address);
        } catch (IdentifierFormatException e) {
            System.err.println("sbridge: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", "send");
        request.put("to", address);
        request.put("text", text);
        try {
            Map<String, Object> answer = ControlClient.call(state.resolve(), request);
            if (json) {
                System.out.println(Json.write(answer));
            } else if (Boolean.TRUE.equals(answer.get("ok"))) {
                System.out.println("message " + answer.get("messageId") + " " + answer.get("state") + " to "
                        + answer.get("to") + ("".equals(answer.get("via")) ? " (held until a route appears)"
                        : " via " + answer.get("via")));
            }
            if (!Boolean.TRUE.equals(answer.get("ok"))) {
                if (!json) System.err.println("sbridge: not sent: " + answer.get("error"));
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        } catch (java.io.IOException e) {
            System.err.println("sbridge: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }
}
