package net.sovereignbridge.app.transport.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import net.sovereignbridge.drivers.sx126x.Sx126x;
import net.sovereignbridge.drivers.sx126x.Sx126xBus;
import net.sovereignbridge.drivers.sx126x.Sx126xHardware;
import net.sovereignbridge.drivers.sx126x.Sx126xSettings;
import net.sovereignbridge.drivers.sx126x.emulator.EmulatedSx126x;
import net.sovereignbridge.drivers.sx127x.emulator.SimulatedAir;
import org.junit.jupiter.api.AfterEach;

/**
 * The conformance suite with an SX1262 (command-level emulator, our SX126x driver) under the LoRa transport, while
 * the peer and the stranger stay SX1276s: the same settings on the other chip family, on the same air. The chip
 * emulator records every BUSY-protocol violation of the driver; there must be none.
 */
class Sx126xLoraTransportConformanceTest extends LoraTransportConformanceTest {
    private EmulatedSx126x chip;

    @Override
    protected LoraRadio ourRadio(SimulatedAir air) throws Exception {
        chip = EmulatedSx126x.sx1262(air, "ours");
        Sx126x driver = new Sx126x(Sx126xBus.of(chip, chip.busy(), chip.dio1(), chip.resetPin(), null, null, null),
                Sx126xHardware.typicalSx1262(), Duration.ofMillis(20), "ours");
        driver.begin();
        Sx126xSettings same = Sx126xSettings.builder().frequencyHz(SF7_G3.frequencyHz())
                .spreadingFactor(SF7_G3.spreadingFactor()).bandwidth(SF7_G3.bandwidth())
                .codingRate(SF7_G3.codingRate()).preambleLength(SF7_G3.preambleLength()).syncWord(SF7_G3.syncWord())
                .build();
        return new Sx126xRadio(driver, same);
    }

    @AfterEach
    void noProtocolViolations() {
        if (chip != null) assertEquals(List.of(), chip.protocolViolations());
    }
}
