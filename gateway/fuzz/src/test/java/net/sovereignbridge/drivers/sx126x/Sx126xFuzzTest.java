package net.sovereignbridge.drivers.sx126x;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import net.sovereignbridge.drivers.sx127x.DigitalInput;
import net.sovereignbridge.drivers.sx127x.ReceivedPacket;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * The SX126x driver's decoding of what the chip answers (status bytes, version string, IRQ and device-error
 * words, RX buffer status, packet status) against a broken or hostile chip: the SPI bus answers every
 * transfer with fuzzer bytes (0xFF once they run out, as a floating MISO line reads). Bring-up,
 * configuration and one reception may fail only with the driver's typed {@link Sx126xException}.
 */
class Sx126xFuzzTest {
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
        Sx126xBus bus = Sx126xBus.of(tx -> {
            byte[] rx = data.consumeBytes(tx.length);
            byte[] full = Arrays.copyOf(rx, tx.length);
            Arrays.fill(full, rx.length, tx.length, (byte) 0xFF);
            return full;
        }, LOW, LOW, null, null, null, null);
        Sx126x radio = new Sx126x(bus, Sx126xHardware.typicalSx1262(), Duration.ofMillis(1), "fuzz");
        try {
            radio.begin();
            radio.configure(Sx126xSettings.builder().build());
            Optional<ReceivedPacket> p = AllocationLimit.check("Sx126x.receiveOnce", 4096,
                    () -> radio.receiveOnce(Duration.ofMillis(1)));
            p.ifPresent(packet -> assertTrue(packet.payload().length <= 255, "payload of " + packet.payload().length));
        } catch (Sx126xException e) {
            AllocationLimit.assertExplained(e);
        } finally {
            radio.close();
        }
    }
}
