package net.sovereignbridge.app.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "gps", description = "Show the running daemon's GPS: fix, position, satellites, GPS time, clock offset.")
public final class GpsCommand implements Callable<Integer> {
    @Mixin
    StateDirOption state;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print the GPS status as JSON")
    boolean json;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        Map<String, Object> s = DaemonCall.ok(state, Map.of("op", "status"));
        if (s == null) return ExitCodes.FAILED;
        PrintWriter out = spec.commandLine().getOut();
        Object g = s.get("gps");
        if (!(g instanceof Map<?, ?>)) {
            out.println(json ? "{\"configured\":false}" : "no GPS configured (set gps.device, docs/gps.md)");
            out.flush();
            return ExitCodes.OK;
        }
        Map<String, Object> gps = (Map<String, Object>) g;
        if (json) {
            out.println(Json.write(gps));
        } else {
            out.println("device     " + gps.get("device") + (Boolean.TRUE.equals(gps.get("connected")) ? "" : " (not open)"));
            out.println("fix        " + (Boolean.TRUE.equals(gps.get("fix")) ? "yes" : "no"));
            if (Boolean.TRUE.equals(gps.get("fix"))) {
                out.println("position   " + gps.get("latitude") + " " + gps.get("longitude")
                        + (gps.containsKey("altitudeMeters") ? ", " + gps.get("altitudeMeters") + " m" : ""));
                out.println("satellites " + gps.get("satellites") + (gps.containsKey("hdop") ? ", HDOP "
                        + gps.get("hdop") : ""));
            }
            if (gps.containsKey("gpsTime")) out.println("GPS time   " + gps.get("gpsTime"));
            if (gps.containsKey("clockOffsetMillis")) {
                out.println("clock      system clock minus GPS time: " + gps.get("clockOffsetMillis") + " ms");
            }
            out.println("sentences  " + gps.get("sentences") + ", bad checksums " + gps.get("badChecksums")
                    + ", malformed " + gps.get("malformed"));
            if (gps.containsKey("problem")) out.println("problem    " + gps.get("problem"));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
