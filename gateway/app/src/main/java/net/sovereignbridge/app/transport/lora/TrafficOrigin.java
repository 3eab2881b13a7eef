package net.sovereignbridge.app.transport.lora;

/** Where a frame handed to the LoRa transport came from, for the cap on internet traffic. */
public enum TrafficOrigin {
    /** Originated on this node or heard on a local medium (LoRa, BLE, LAN, ...). */
    LOCAL,
    /** Arrived over the internet overlay: capped so the internet can never flood a radio mesh. */
    INTERNET
}
