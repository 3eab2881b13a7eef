package net.sovereignbridge.drivers.meshtastic;

import java.util.Arrays;

/**
 * One Meshtastic LoRa frame as it is on the air: the 16-byte {@link PacketHeader}, then the channel-encrypted Data
 * message (at most 239 bytes: a LoRa frame is at most 255).
 */
public record RadioFrame(PacketHeader header, byte[] encryptedPayload) {
    public static final int MAX_FRAME = 255;
    public static final int MAX_PAYLOAD = MAX_FRAME - PacketHeader.SIZE;

    public RadioFrame {
        if (encryptedPayload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a Meshtastic payload is at most " + MAX_PAYLOAD + " bytes, got "
                    + encryptedPayload.length);
        }
        encryptedPayload = encryptedPayload.clone();
    }

    @Override
    public byte[] encryptedPayload() {
        return encryptedPayload.clone();
    }

    public byte[] encode() {
        byte[] f = Arrays.copyOf(header.encode(), PacketHeader.SIZE + encryptedPayload.length);
        System.arraycopy(encryptedPayload, 0, f, PacketHeader.SIZE, encryptedPayload.length);
        return f;
    }

    public static RadioFrame decode(byte[] frame) throws MeshtasticException {
        if (frame.length > MAX_FRAME) {
            throw new MeshtasticException.Oversize("Meshtastic frame of " + frame.length + " bytes (LoRa: at most 255)");
        }
        PacketHeader h = PacketHeader.decode(frame);
        return new RadioFrame(h, Arrays.copyOfRange(frame, PacketHeader.SIZE, frame.length));
    }
}
