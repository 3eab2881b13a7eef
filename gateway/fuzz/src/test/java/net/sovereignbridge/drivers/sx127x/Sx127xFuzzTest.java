package net.sovereignbridge.drivers.sx127x;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.Arrays;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * The SX127x driver's reading of register values (version, operating mode, IRQ flags) from a broken or
 * hostile chip: every SPI answer comes from the fuzzer (0xFF once it runs out). Bring-up, configuration and a
 * channel activity check fail only with the typed {@link Sx127xException}.
 */
class Sx127xFuzzTest {
    private static final DigitalInput LOW = new DigitalInput() {
        @Override
        public boolean isHigh() {
            return false;
        }

        @Override
        public void addRisingEdgeListener(Runnable listener) {}
    };

    @FuzzTest
    void brokenChip(FuzzedDataProvider data) {
        RadioBus bus = RadioBus.of(tx -> {
            byte[] rx = data.consumeBytes(tx.length);
            byte[] full = Arrays.copyOf(rx, tx.length);
            Arrays.fill(full, rx.length, tx.length, (byte) 0xFF);
            return full;
        }, LOW, null, null);
        Sx127x radio = new Sx127x(bus, Duration.ofMillis(1), "fuzz");
        try {
            radio.begin();
            radio.configure(LoRaSettings.builder().frequencyHz(869_525_000L).spreadingFactor(7).build());
            radio.channelActivityDetected();
        } catch (Sx127xException e) {
            AllocationLimit.assertExplained(e);
        } finally {
            radio.close();
        }
    }
}
