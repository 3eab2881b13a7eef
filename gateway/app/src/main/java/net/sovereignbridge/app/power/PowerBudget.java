package net.sovereignbridge.app.power;

/**
 * Solar sizing for a field gateway (hardware/solar-power-budget.md states every assumption):
 *
 * <pre>
 * load (W)         = board draw + radio average (duty-weighted TX + RX) + extra loads
 * daily (Wh)       = load * 24 / converter efficiency
 * battery (Wh)     = daily * days of autonomy / usable depth of discharge
 * panel (W)        = (daily + battery / recharge days) / (winter peak sun hours * panel derating)
 * </pre>
 */
public final class PowerBudget {
    /**
     * Draw of the bare board on its 5 V input. {@code datasheetMilliamps}: Raspberry Pi's documentation
     * ("Power supply", typical bare-board active current consumption; a desktop load, so conservative for a
     * headless gateway). {@code measuredIdleMilliamps}: a published idle measurement where one is cited in
     * hardware/solar-power-budget.md, else NaN.
     */
    public enum Board {
        PI_ZERO_2W("pi-zero-2w", 350, 120),
        PI_3B("pi-3b", 400, Double.NaN),
        PI_3B_PLUS("pi-3b-plus", 500, Double.NaN),
        PI_4B("pi-4b", 600, Double.NaN);

        /** The board's supply rail. */
        public static final double VOLTS = 5.0;

        public final String id;
        public final double datasheetMilliamps;
        public final double measuredIdleMilliamps;

        Board(String id, double datasheetMilliamps, double measuredIdleMilliamps) {
            this.id = id;
            this.datasheetMilliamps = datasheetMilliamps;
            this.measuredIdleMilliamps = measuredIdleMilliamps;
        }

        public double watts(double milliamps) {
            return VOLTS * milliamps / 1000.0;
        }

        public static Board parse(String s) {
            for (Board b : values()) {
                if (b.id.equalsIgnoreCase(s)) return b;
            }
            throw new IllegalArgumentException("unknown board '" + s + "' (pi-zero-2w, pi-3b, pi-3b-plus, pi-4b)");
        }
    }

    /** Usable depth of discharge by chemistry. */
    public enum Battery {
        LIFEPO4("lifepo4", 0.8),
        AGM("agm", 0.5);

        public final String id;
        public final double depthOfDischarge;

        Battery(String id, double dod) {
            this.id = id;
            this.depthOfDischarge = dod;
        }

        public static Battery parse(String s) {
            for (Battery b : values()) {
                if (b.id.equalsIgnoreCase(s)) return b;
            }
            throw new IllegalArgumentException("unknown battery '" + s + "' (lifepo4, agm)");
        }
    }

    /** SX1276 supply currents (Semtech SX1276 datasheet, table 6): RX 11.5 mA, TX 120 mA at +20 dBm, 87 mA at +17 dBm. */
    public static double radioWatts(double txDutyPercent, int txDbm) {
        if (txDutyPercent < 0 || txDutyPercent > 100) throw new IllegalArgumentException("duty must be 0..100 %");
        double txMilliamps = txDbm >= 20 ? 120 : txDbm >= 17 ? 87 : txDbm >= 13 ? 29 : 20;
        double rxMilliamps = 11.5;
        double duty = txDutyPercent / 100.0;
        return 3.3 * (duty * txMilliamps + (1 - duty) * rxMilliamps) / 1000.0;
    }

    /**
     * Rough December (winter) peak sun hours on a panel tilted for winter, by absolute latitude: a planning
     * default only; a site's own figure (e.g. from PVGIS) should replace it.
     */
    public static double winterSunHours(double latitude) {
        double a = Math.abs(latitude);
        if (a > 90) throw new IllegalArgumentException("latitude must be within -90..90");
        if (a < 10) return 5.0;
        if (a < 20) return 4.5;
        if (a < 30) return 3.8;
        if (a < 40) return 2.8;
        if (a < 50) return 1.8;
        if (a < 60) return 0.9;
        return 0.3;
    }

    /** {@code boardWatts}: the board's draw chosen by the caller (datasheet, measured, or the user's figure). */
    public record Inputs(Board board, double boardWatts, double txDutyPercent, int txDbm, double extraWatts, int daysOfAutonomy,
            double sunHours, Battery battery, double systemVolts, double converterEfficiency, double panelDerating,
            int rechargeDays) {}

    public record Result(double loadWatts, double dailyWattHours, double batteryWattHours, double batteryAmpHours,
            double panelWatts) {}

    public static Result compute(Inputs in) {
        if (in.daysOfAutonomy() < 1) throw new IllegalArgumentException("days of autonomy must be at least 1");
        if (in.sunHours() <= 0) throw new IllegalArgumentException("sun hours must be positive");
        if (in.boardWatts() < 0) throw new IllegalArgumentException("board draw must be >= 0");
        double load = in.boardWatts() + radioWatts(in.txDutyPercent(), in.txDbm()) + in.extraWatts();
        double daily = load * 24 / in.converterEfficiency();
        double battery = daily * in.daysOfAutonomy() / in.battery().depthOfDischarge;
        double panel = (daily + battery * in.battery().depthOfDischarge / in.rechargeDays())
                / (in.sunHours() * in.panelDerating());
        return new Result(load, daily, battery, battery / in.systemVolts(), panel);
    }
}
