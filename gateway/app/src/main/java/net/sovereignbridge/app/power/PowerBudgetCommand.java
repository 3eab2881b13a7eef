package net.sovereignbridge.app.power;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.cli.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "power-budget", description = "Size a solar panel and battery for a field gateway "
        + "(assumptions: hardware/solar-power-budget.md).")
public final class PowerBudgetCommand implements Callable<Integer> {
    @Option(names = "--board", defaultValue = "pi-zero-2w", description = "pi-zero-2w, pi-3b, pi-3b-plus, pi-4b (default ${DEFAULT-VALUE})")
    String board;

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
        PowerBudget.Result r;
        double sun;
        PowerBudget.Inputs in;
        try {
            if (sunHours == null && latitude == null) {
                throw new IllegalArgumentException("give --sun-hours for the site, or --latitude for a rough default");
            }
            sun = sunHours != null ? sunHours : PowerBudget.winterSunHours(latitude);
            in = new PowerBudget.Inputs(PowerBudget.Board.parse(board), loraDuty, loraDbm, extraWatts, days, sun,
                    PowerBudget.Battery.parse(battery), volts, 0.85, 0.75, 7);
            r = PowerBudget.compute(in);
        } catch (IllegalArgumentException e) {
            System.err.println("sbridge power-budget: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("board", in.board().id);
            m.put("sunHours", sun);
            m.put("days", days);
            m.put("loadWatts", round(r.loadWatts()));
            m.put("dailyWattHours", round(r.dailyWattHours()));
            m.put("batteryWattHours", round(r.batteryWattHours()));
            m.put("batteryAmpHours", round(r.batteryAmpHours()));
            m.put("batteryVolts", volts);
            m.put("panelWatts", round(r.panelWatts()));
            System.out.println(Json.write(m));
        } else {
            System.out.printf("load            %.2f W (%s + LoRa %.1f %% TX at %d dBm + %.2f W extra)%n", r.loadWatts(),
                    in.board().id, loraDuty, loraDbm, extraWatts);
            System.out.printf("energy per day  %.1f Wh (converter efficiency 85 %%)%n", r.dailyWattHours());
            System.out.printf("battery         %.0f Wh = %.1f Ah at %.0f V (%s, %d days)%n", r.batteryWattHours(),
                    r.batteryAmpHours(), volts, in.battery().id, days);
            System.out.printf("solar panel     %.0f W (%.1f winter sun hours, 75 %% derating, refill in 7 days)%n",
                    r.panelWatts(), sun);
        }
        return ExitCodes.OK;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
