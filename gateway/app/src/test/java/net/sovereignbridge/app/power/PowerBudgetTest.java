package net.sovereignbridge.app.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import net.sovereignbridge.app.Main;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.cli.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PowerBudgetTest {
    @Test
    void piZeroTwoAtFortyEightDegreesForThreeDaysFromTheDatasheetCurrent() {
        PowerBudget.Board zero = PowerBudget.Board.PI_ZERO_2W;
        PowerBudget.Inputs in = new PowerBudget.Inputs(zero, zero.watts(zero.datasheetMilliamps), 1, 20, 0, 3,
                PowerBudget.winterSunHours(48), PowerBudget.Battery.LIFEPO4, 12, 0.85, 0.75, 7);
        PowerBudget.Result r = PowerBudget.compute(in);
        // board 350 mA x 5 V = 1.75 W; radio 3.3 V x (0.01 x 120 mA + 0.99 x 11.5 mA) = 0.0415305 W
        assertEquals(1.7915305, r.loadWatts(), 1e-6);
        assertEquals(1.7915305 * 24 / 0.85, r.dailyWattHours(), 1e-6); // 50.58 Wh
        assertEquals(50.5845 * 3 / 0.8, r.batteryWattHours(), 0.01); // 189.7 Wh
        assertEquals(189.692 / 12, r.batteryAmpHours(), 0.01); // 15.8 Ah
        assertEquals((50.5845 + 189.692 * 0.8 / 7) / (1.8 * 0.75), r.panelWatts(), 0.01); // 53.5 W
    }

    @Test
    void radioIsSmallBesideTheBoardAndLatitudeMatters() {
        assertTrue(PowerBudget.radioWatts(1, 20) < 0.05);
        assertEquals(3.3 * 0.120, PowerBudget.radioWatts(100, 20), 1e-9); // SX1276: 120 mA at +20 dBm
        assertEquals(3.3 * 0.0115, PowerBudget.radioWatts(0, 20), 1e-9); // 11.5 mA receiving
        assertTrue(PowerBudget.winterSunHours(60) < PowerBudget.winterSunHours(-35));
        assertThrows(IllegalArgumentException.class, () -> PowerBudget.winterSunHours(95));
        assertThrows(IllegalArgumentException.class, () -> PowerBudget.Board.parse("pi-9"));
        assertThrows(IllegalArgumentException.class, () -> PowerBudget.radioWatts(101, 20));
    }

    @Test
    void jsonFromTheCliAsAUserTypesIt() {
        Run r = run("power-budget", "--board", "pi-4b", "--sun-hours", "1.2", "--days", "5", "--battery", "agm", "--json");
        assertEquals(ExitCodes.OK, r.exit, r.err);
        Map<String, Object> m = Json.parseObject(r.out.trim());
        assertEquals("pi-4b", m.get("board"));
        assertEquals("datasheet", m.get("boardDraw"));
        assertEquals(600.0, ((Number) m.get("boardMilliamps")).doubleValue());
        // load 3.0 + 0.0415305 W; daily x24/0.85 = 85.88 Wh; AGM DoD 0.5, 5 days: 858.8 Wh = 71.6 Ah at 12 V;
        // panel (85.88 + 858.8 x 0.5 / 7) / (1.2 x 0.75) = 163.6 W
        assertEquals(3.04, ((Number) m.get("loadWatts")).doubleValue(), 0.005);
        assertEquals(85.88, ((Number) m.get("dailyWattHours")).doubleValue(), 0.01);
        assertEquals(858.77, ((Number) m.get("batteryWattHours")).doubleValue(), 0.02);
        assertEquals(71.56, ((Number) m.get("batteryAmpHours")).doubleValue(), 0.01);
        assertEquals(163.58, ((Number) m.get("panelWatts")).doubleValue(), 0.02);
    }

    @Test
    void measuredDrawOnlyWhereAMeasurementIsCitedAndOwnFigureWins() {
        Run measured = run("power-budget", "--draw", "measured", "--latitude", "48", "--json");
        assertEquals(ExitCodes.OK, measured.exit, measured.err);
        assertEquals(120.0, ((Number) Json.parseObject(measured.out.trim()).get("boardMilliamps")).doubleValue());
        Run none = run("power-budget", "--board", "pi-4b", "--draw", "measured", "--latitude", "48");
        assertEquals(ExitCodes.CONFIG, none.exit);
        assertTrue(none.err.contains("no published measurement for pi-4b"), none.err);
        Run own = run("power-budget", "--board", "pi-4b", "--board-ma", "540", "--latitude", "48", "--json");
        Map<String, Object> m = Json.parseObject(own.out.trim());
        assertEquals("given", m.get("boardDraw"));
        assertEquals(2.7, ((Number) m.get("boardWatts")).doubleValue(), 1e-9);
        Run noSun = run("power-budget");
        assertEquals(ExitCodes.CONFIG, noSun.exit);
        assertTrue(noSun.err.contains("--sun-hours"), noSun.err);
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
