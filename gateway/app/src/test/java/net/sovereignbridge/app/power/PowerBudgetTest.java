package net.sovereignbridge.app.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PowerBudgetTest {
    @Test
    void piZeroTwoAtFortyEightDegreesForThreeDays() {
        PowerBudget.Inputs in = new PowerBudget.Inputs(PowerBudget.Board.PI_ZERO_2W, 1, 20, 0, 3,
                PowerBudget.winterSunHours(48), PowerBudget.Battery.LIFEPO4, 12, 0.85, 0.75, 7);
        PowerBudget.Result r = PowerBudget.compute(in);
        // radio: 3.3 V * (0.01 * 120 mA + 0.99 * 11.5 mA) = 0.0415 W
        assertEquals(0.7915, r.loadWatts(), 1e-3);
        assertEquals(0.7915 * 24 / 0.85, r.dailyWattHours(), 1e-3); // 22.35 Wh
        assertEquals(22.348 * 3 / 0.8, r.batteryWattHours(), 0.01); // 83.8 Wh
        assertEquals(83.8 / 12, r.batteryAmpHours(), 0.01);
        assertEquals((22.348 + 83.8 * 0.8 / 7) / (1.8 * 0.75), r.panelWatts(), 0.05); // about 23.7 W
    }

    @Test
    void radioIsSmallBesideTheBoardAndLatitudeMatters() {
        assertTrue(PowerBudget.radioWatts(1, 20) < 0.05);
        assertTrue(PowerBudget.winterSunHours(60) < PowerBudget.winterSunHours(-35));
        assertThrows(IllegalArgumentException.class, () -> PowerBudget.winterSunHours(95));
        assertThrows(IllegalArgumentException.class, () -> PowerBudget.Board.parse("pi-9"));
    }
}
