package net.sovereignbridge.app.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import net.sovereignbridge.app.Main;
import org.junit.jupiter.api.Test;

/** `sbridge sim` end to end: the JSON names the figures the issue asks for, and a seed repeats a run exactly. */
class SimCommandTest {
    static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute(args));
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
    }

    static String withoutHostFigures(String json) {
        return json.replaceAll(",?\"(runtimeMs|heapUsedBytes)\":\\d+", "");
    }

    @Test
    void printsTheFiguresAndRepeatsForASeed() {
        String[] args = {"sim", "--nodes", "12", "--topology", "grid", "--loss", "0.1", "--messages", "20", "--seed",
            "5", "--fail-link", "--json"};
        String first = run(args);
        for (String key : new String[] {"\"delivered\":20", "\"sent\":20", "\"deliveryRatio\":1.0",
            "\"medianLatencyMs\":", "\"transmissions\":", "\"floodRatioToNaive\":", "\"busyAvoidMs\":"}) {
            assertTrue(first.contains(key), key + " missing in " + first);
        }
        assertEquals(withoutHostFigures(first), withoutHostFigures(run(args)));
    }

    @Test
    void badArgumentsAreRefusedWithExitCodeTwo() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, Main.execute("sim", "--nodes", "1"));
        } finally {
            System.setErr(old);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--nodes >= 2"));
    }
}
