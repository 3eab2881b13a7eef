package net.sovereignbridge.app.power;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.cli.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "power-budget", description = "Size a solar panel and battery for a field gateway "
        + "(assumptions: hardware/solar-power-budget.md).")
public final class PowerBudgetCommand implements Callable<Integer> {
    /** Fixed assumptions, stated in hardware/solar-power-budget.md. */
    static final double CONVERTER_EFFICIENCY = 0.85;
    static final double PANEL_DERATING = 0.75;
    static final int RECHARGE_DAYS = 7;

    @Spec
    CommandSpec spec;

    @Option(names = "--board", defaultValue = "pi-zero-2w", description = "pi-zero-2w, pi-3b, pi-3b-plus, pi-4b (default ${DEFAULT-VALUE})")
    String board;

    @Option(names = "--draw", defaultValue = "datasheet", description = "board current: datasheet (Raspberry Pi's "
            + "typical active figure, conservative) or measured (published idle measurement; Zero 2 W only) "
            + "(default ${DEFAULT-VALUE})")
    String draw;

    @Option(names = "--board-ma", description = "your own measured board current at 5 V, in mA (overrides --draw)")
    Double boardMilliamps;

    @Option(names = "--days", defaultValue = "3", description = "days of autonomy without sun (default ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--latitude", description = "site latitude in degrees; gives a rough winter sun-hours figure")
    Double latitude;

    @Option(names = "--sun-hours", description = "winter peak sun hours at the site (overrides --latitude)")
    Double sunHours;

    @Option(names = "--lora-duty", defaultValue = "1", description = "LoRa transmit duty in percent (default ${DEFAULT-VALUE})")
    double loraDuty;

    @Option(names = "--lora-dbm", defaultValue = "20", description = "LoRa transmit power in dBm (default ${DEFAULT-VALUE})")
    int loraDbm;

    @Option(names = "--extra-watts", defaultValue = "0", description = "other loads: USB modem, sensors (default ${DEFAULT-VALUE})")
    double extraWatts;

    @Option(names = "--battery", defaultValue = "lifepo4", description = "lifepo4 or agm (default ${DEFAULT-VALUE})")
    String battery;

    @Option(names = "--system-volts", defaultValue = "12", description = "battery voltage (default ${DEFAULT-VALUE})")
    double volts;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PowerBudget.Result r;
        PowerBudget.Inputs in;
        double sun;
        double milliamps;
        String drawSource;
        try {
            if (sunHours == null && latitude == null) {
                throw new IllegalArgumentException("give --sun-hours for the site, or --latitude for a rough default");
            }
            if (volts <= 0) throw new IllegalArgumentException("--system-volts must be positive");
            sun = sunHours != null ? sunHours : PowerBudget.winterSunHours(latitude);
            PowerBudget.Board b = PowerBudget.Board.parse(board);
            if (boardMilliamps != null) {
                milliamps = boardMilliamps;
                drawSource = "given";
            } else if (draw.equals("datasheet")) {
                milliamps = b.datasheetMilliamps;
                drawSource = "datasheet";
            } else if (draw.equals("measured")) {
                if (Double.isNaN(b.measuredIdleMilliamps)) {
                    throw new IllegalArgumentException("no published measurement for " + b.id
                            + "; use --draw datasheet or your own --board-ma");
                }
                milliamps = b.measuredIdleMilliamps;
                drawSource = "measured";
            } else {
                throw new IllegalArgumentException("--draw must be datasheet or measured");
            }
            in = new PowerBudget.Inputs(b, b.watts(milliamps), loraDuty, loraDbm, extraWatts, days, sun,
                    PowerBudget.Battery.parse(battery), volts, CONVERTER_EFFICIENCY, PANEL_DERATING, RECHARGE_DAYS);
            r = PowerBudget.compute(in);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("sbridge power-budget: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        double radio = PowerBudget.radioWatts(loraDuty, loraDbm);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("board", in.board().id);
            m.put("boardMilliamps", round(milliamps));
            m.put("boardDraw", drawSource);
            m.put("boardWatts", round(in.boardWatts()));
            m.put("radioWatts", round(radio));
            m.put("extraWatts", extraWatts);
            m.put("sunHours", sun);
            m.put("days", days);
            m.put("loadWatts", round(r.loadWatts()));
            m.put("dailyWattHours", round(r.dailyWattHours()));
            m.put("battery", in.battery().id);
            m.put("batteryWattHours", round(r.batteryWattHours()));
            m.put("batteryAmpHours", round(r.batteryAmpHours()));
            m.put("batteryVolts", volts);
            m.put("panelWatts", round(r.panelWatts()));
            out.println(Json.write(m));
        } else {
            out.printf("board           %s: %.0f mA at 5 V = %.2f W (%s)%n", in.board().id, milliamps, in.boardWatts(),
                    drawSource);
            out.printf("load            %.2f W (board + LoRa %.1f %% TX at %d dBm = %.3f W + %.2f W extra)%n",
                    r.loadWatts(), loraDuty, loraDbm, radio, extraWatts);
            out.printf("energy per day  %.1f Wh (converter efficiency %.0f %%)%n", r.dailyWattHours(),
                    CONVERTER_EFFICIENCY * 100);
            out.printf("battery         %.0f Wh = %.1f Ah at %.0f V (%s, %d days)%n", r.batteryWattHours(),
                    r.batteryAmpHours(), volts, in.battery().id, days);
            out.printf("solar panel     %.0f W (%.1f winter sun hours, %.0f %% derating, refill in %d days)%n",
                    r.panelWatts(), sun, PANEL_DERATING * 100, RECHARGE_DAYS);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
