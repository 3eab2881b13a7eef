package net.sovereignbridge.app.transport.lora;

import java.util.Arrays;
import java.util.Objects;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;

/**
 * One LoRa packet of the {@code lora} transport (docs/lora-link.md, "Packet layout"): the magic/version byte
 * {@link #MAGIC}, the sender's 16-bit link id (big-endian), then the mesh frame (1 to {@link #MAX_FRAME} bytes,
 * opaque here). {@link #decode} turns the bytes of a received packet into the link id and the frame or says
 * why they are not one of ours; {@link #encode} builds the packet to transmit.
 *
 * @param senderLinkId 0..65535
 * @param frame the mesh frame the packet carries
 */
public record LoraLinkFrame(int senderLinkId, byte[] frame) {
    /** "sbridge link, version 1". */
    public static final int MAGIC = 0x51;
    public static final int HEADER_BYTES = 3;
    /** The SX127x FIFO limit and the SX126x buffer's: no packet on air is longer. */
    public static final int MAX_PACKET = 255;
    public static final int MAX_FRAME = MAX_PACKET - HEADER_BYTES;

    public LoraLinkFrame {
        if (senderLinkId < 0 || senderLinkId > 0xFFFF) {
            throw new IllegalArgumentException("link id " + senderLinkId + " is not 16 bits");
        }
        Objects.requireNonNull(frame, "frame");
        if (frame.length == 0 || frame.length > MAX_FRAME) {
            throw new IllegalArgumentException("a frame of " + frame.length + " bytes (1.." + MAX_FRAME + " fit a packet)");
        }
    }

    /**
     * The link id and frame of a received packet, or why it is none of ours: TRUNCATED (too short for the
     * header and a frame), OVERSIZE (longer than any LoRa packet), UNKNOWN_VERSION (the first byte is not
     * {@link #MAGIC}: another LoRa network on the same settings, or a later link version).
     */
    public static Decoded<LoraLinkFrame> decode(byte[] packet) {
        if (packet.length > MAX_PACKET) {
            return Decoded.error(DecodeError.OVERSIZE, "a LoRa packet of " + packet.length + " bytes (at most "
                    + MAX_PACKET + ")");
        }
        if (packet.length > 0 && (packet[0] & 0xFF) != MAGIC) {
            return Decoded.error(DecodeError.UNKNOWN_VERSION, String.format(
                    "first byte 0x%02x is not the sbridge link magic 0x%02x", packet[0] & 0xFF, MAGIC));
        }
        if (packet.length <= HEADER_BYTES) {
            return Decoded.error(DecodeError.TRUNCATED, "a LoRa packet of " + packet.length + " bytes: the link "
                    + "header takes " + HEADER_BYTES + " and a frame at least 1 more");
        }
        int sender = ((packet[1] & 0xFF) << 8) | (packet[2] & 0xFF);
        return Decoded.ok(new LoraLinkFrame(sender, Arrays.copyOfRange(packet, HEADER_BYTES, packet.length)));
    }

    /** The packet to transmit: header, then the frame. */
    public byte[] encode() {
        byte[] packet = new byte[HEADER_BYTES + frame.length];
        packet[0] = (byte) MAGIC;
        packet[1] = (byte) (senderLinkId >> 8);
        packet[2] = (byte) senderLinkId;
        System.arraycopy(frame, 0, packet, HEADER_BYTES, frame.length);
        return packet;
    }

    /** The sender as the transport names its endpoint: four hex digits, e.g. {@code 0a0a}. */
    public String senderHex() {
        return String.format("%04x", senderLinkId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoraLinkFrame f && f.senderLinkId == senderLinkId && Arrays.equals(f.frame, frame);
    }

    @Override
    public int hashCode() {
        return 31 * senderLinkId + Arrays.hashCode(frame);
    }

    @Override
    public String toString() {
        return "LoraLinkFrame[sender=" + senderHex() + ", " + frame.length + " bytes]";
    }
}
