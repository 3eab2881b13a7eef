package net.sovereignbridge.drivers.sx127x;

/**
 * A packet that passed the CRC checks.
 *
 * @param payload the bytes (owned by the receiver)
 * @param rssiDbm packet RSSI (datasheet 5.5.5: -157 or -164 + RegPktRssiValue, plus SNR when SNR is negative)
 * @param snrDb packet SNR (signed RegPktSnrValue / 4)
 * @param crcChecked true when a payload CRC was present and correct
 */
public record ReceivedPacket(byte[] payload, double rssiDbm, double snrDb, boolean crcChecked) {}
