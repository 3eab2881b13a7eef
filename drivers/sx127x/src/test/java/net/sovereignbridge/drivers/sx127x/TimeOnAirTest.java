package net.sovereignbridge.drivers.sx127x;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimeOnAirTest {
    private static long toa(int sf, Bandwidth bw, int len, boolean ldro) {
        return TimeOnAir.nanos(sf, bw, CodingRate.CR_4_5, 8, false, true, ldro, len);
    }

    /** The four checks of radio.md, computed by hand from Semtech AN1200.13 (preamble 8, explicit, CRC, 4/5). */
    @Test
    void matchesTheAn1200_13Checks() {
        assertEquals(56_576_000L, toa(7, Bandwidth.BW_125, 20, false));
        assertEquals(185_344_000L, toa(9, Bandwidth.BW_125, 20, false));
        assertEquals(1_318_912_000L, toa(12, Bandwidth.BW_125, 20, true));
        assertEquals(9_019_392_000L, toa(12, Bandwidth.BW_125, 255, true));
    }

    @Test
    void settingsVariantAppliesTheAutomaticLowDataRateRule() {
        LoRaSettings sf12 = LoRaSettings.builder().spreadingFactor(12).build();
        assertEquals(1318.912, TimeOnAir.millis(sf12, 20), 1e-9);
        // forcing LDRO off at SF12/125 changes the symbol count: 8 + ceil(160/48)*5 = 28 symbols + 12.25 preamble
        LoRaSettings off = sf12.toBuilder().lowDataRateOptimize(LowDataRateOptimize.OFF).build();
        assertEquals((12.25 + 28) * 32.768, TimeOnAir.millis(off, 20), 1e-9);
    }

    @Test
    void implicitHeaderAndNoCrcShortenThePacket() {
        // SF7/125, 20 B, implicit, no CRC: ceil((160-28+28-20)/28) = 5 blocks * 5 = 25 + 8 = 33 symbols
        long n = TimeOnAir.nanos(7, Bandwidth.BW_125, CodingRate.CR_4_5, 8, true, false, false, 20);
        assertEquals((long) ((12.25 + 33) * 1_024_000), n);
        // a tiny payload never yields a negative symbol count: SF12, 0 bytes, implicit, no CRC -> 8 symbols
        assertEquals(8, TimeOnAir.payloadSymbols(12, CodingRate.CR_4_8, true, false, false, 0));
    }

    @Test
    void symbolTimesAreExactForEveryBandwidth() {
        assertEquals(1_024_000L, TimeOnAir.symbolNanos(7, Bandwidth.BW_125));
        assertEquals(128_000L, TimeOnAir.symbolNanos(6, Bandwidth.BW_500));
        assertEquals(524_288_000L, TimeOnAir.symbolNanos(12, Bandwidth.BW_7_8)); // 4096 / 7812.5 Hz
        assertEquals(393_216_000L, TimeOnAir.symbolNanos(12, Bandwidth.BW_10_4)); // 4096 / 10416.67 Hz
    }

    @Test
    void lowDataRateRuleUsesTheExactSymbolTime() {
        assertTrue(LowDataRateOptimize.requiredFor(11, Bandwidth.BW_125)); // 16.384 ms
        assertTrue(LowDataRateOptimize.requiredFor(12, Bandwidth.BW_125));
        assertTrue(LowDataRateOptimize.requiredFor(12, Bandwidth.BW_250)); // 16.384 ms
        assertFalse(LowDataRateOptimize.requiredFor(10, Bandwidth.BW_125)); // 8.192 ms
        assertFalse(LowDataRateOptimize.requiredFor(11, Bandwidth.BW_250));
        assertFalse(LowDataRateOptimize.requiredFor(12, Bandwidth.BW_500));
        assertTrue(LowDataRateOptimize.requiredFor(10, Bandwidth.BW_62_5)); // 16.384 ms
    }

    @Test
    void rejectsOutOfRangeInputs() {
        assertThrows(IllegalArgumentException.class, () -> toa(13, Bandwidth.BW_125, 20, false));
        assertThrows(IllegalArgumentException.class, () -> toa(7, Bandwidth.BW_125, 256, false));
        assertThrows(IllegalArgumentException.class, () -> LoRaSettings.builder().spreadingFactor(6).build());
    }
}
