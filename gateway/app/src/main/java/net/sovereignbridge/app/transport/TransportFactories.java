package net.sovereignbridge.app.transport;

import java.time.Clock;
import java.util.List;
import net.sovereignbridge.app.meshtastic.MeshtasticTransportFactory;
import net.sovereignbridge.app.transport.audio.AudioTransportFactory;
import net.sovereignbridge.app.transport.ble.BleTransportFactory;
import net.sovereignbridge.app.transport.kiss.KissTransportFactory;
import net.sovereignbridge.drivers.bluez.BluezBus;
import net.sovereignbridge.drivers.kiss.JSerialCommOpener;
import net.sovereignbridge.app.transport.lan.LanTransportFactory;
import net.sovereignbridge.app.transport.lora.LoraBringUp;
import net.sovereignbridge.app.transport.lora.LoraTransport;
import net.sovereignbridge.app.transport.lora.LoraTransportFactory;
import net.sovereignbridge.app.transport.rnode.RNodeTransportFactory;
import net.sovereignbridge.app.transport.satellite.SatelliteTransportFactory;

/**
 * The one list of transport kinds the daemon knows. A new transport is one entry here (docs/adding-a-transport.md).
 * The overlay is not in it: it is a service (the libp2p host it runs is shared with the DHT and the {@code p2p}
 * commands, and configured under {@code p2p:}) that contributes its transport to the node itself.
 */
public final class TransportFactories {
    private TransportFactories() {}

    /** The factories with the hardware of this machine (Pi4J for SPI radios). */
    public static List<TransportFactory> all() {
        return all(LoraBringUp.pi4j(), LoraTransport.TimeSource.SYSTEM);
    }

    /**
     * The factories with LoRa radios opened by {@code loraBus} on {@code loraTime}: tests pass emulated chips on a
     * simulated air and its clock; a Meshtastic channel's radio is opened the same way. KISS TNCs and RNodes are
     * opened through jSerialComm (tests give it pty pairs).
     */
    public static List<TransportFactory> all(LoraBringUp.BusOpener loraBus, LoraTransport.TimeSource loraTime) {
        return all(loraBus, loraTime, BluezBus.systemBusAddress(System.getenv()));
    }

    /** As above, with BlueZ on the bus at {@code bluezBus} (tests: a private dbus-daemon with the mocked bluetoothd). */
    public static List<TransportFactory> all(LoraBringUp.BusOpener loraBus, LoraTransport.TimeSource loraTime,
            String bluezBus) {
        return List.of(new LanTransportFactory(), new LoraTransportFactory(loraBus, loraTime),
                new KissTransportFactory(new JSerialCommOpener(), Clock.systemUTC()),
                new RNodeTransportFactory(new JSerialCommOpener(), LoraTransport.TimeSource.SYSTEM),
                new SatelliteTransportFactory(Clock.systemUTC()), new MeshtasticTransportFactory(loraBus, loraTime),
                new BleTransportFactory(bluezBus, Clock.systemUTC()), new AudioTransportFactory(Clock.systemUTC()));
    }
}
