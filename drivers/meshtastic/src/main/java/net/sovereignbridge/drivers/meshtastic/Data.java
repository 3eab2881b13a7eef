package net.sovereignbridge.drivers.meshtastic;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The decrypted content of a packet, protobuf {@code meshtastic.Data} (mesh.proto): portnum 1 (enum), payload 2
 * (bytes), want_response 3 (bool), dest 4, source 5, request_id 6, reply_id 7, emoji 8 (all fixed32), bitfield 9
 * (optional uint32; bit 0 = OK_TO_MQTT). A minimal text message is {@code 08 01 12 <len> <utf8>}.
 */
public record Data(int portnum, byte[] payload, boolean wantResponse, int dest, int source, int requestId,
                   int replyId, int emoji, OptionalInt bitfield) {
    /** Meshtastic's DATA_PAYLOAD_LEN: what fits a LoRa frame after the header and the Data framing. */
    public static final int MAX_PAYLOAD = 233;
    public static final int OK_TO_MQTT = 0x01;

    public Data {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("Data payload is at most " + MAX_PAYLOAD + " bytes, got " + payload.length);
        }
        payload = payload.clone();
    }

    public static Data text(String text) {
        return new Data(PortNum.TEXT_MESSAGE_APP, text.getBytes(StandardCharsets.UTF_8), false, 0, 0, 0, 0, 0,
                OptionalInt.empty());
    }

    public static Data of(int portnum, byte[] payload) {
        return new Data(portnum, payload, false, 0, 0, 0, 0, 0, OptionalInt.empty());
    }

    public Data withBitfield(int bits) {
        return new Data(portnum, payload, wantResponse, dest, source, requestId, replyId, emoji, OptionalInt.of(bits));
    }

    public Data withWantResponse(boolean want) {
        return new Data(portnum, payload, want, dest, source, requestId, replyId, emoji, bitfield);
    }

    /** The sender allows this packet to be forwarded to MQTT (absent bitfield: not said, treat as not allowed). */
    public boolean okToMqtt() {
        return bitfield.isPresent() && (bitfield.getAsInt() & OK_TO_MQTT) != 0;
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload as text for TEXT_MESSAGE_APP (malformed UTF-8 becomes U+FFFD, as the apps show it). */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    public byte[] encode() {
        ProtoWriter w = new ProtoWriter().uint(1, portnum).bytes(2, payload).bool(3, wantResponse).fixed32(4, dest)
                .fixed32(5, source).fixed32(6, requestId).fixed32(7, replyId).fixed32(8, emoji);
        bitfield.ifPresent(b -> w.uintAlways(9, Integer.toUnsignedLong(b)));
        return w.toByteArray();
    }

    public static Data decode(byte[] bytes) throws MeshtasticException {
        ProtoReader r = new ProtoReader("Data", bytes);
        int portnum = 0, dest = 0, source = 0, requestId = 0, replyId = 0, emoji = 0;
        byte[] payload = new byte[0];
        boolean wantResponse = false;
        OptionalInt bitfield = OptionalInt.empty();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> portnum = r.uint32();
                case 2 -> payload = r.bytes(MAX_PAYLOAD);
                case 3 -> wantResponse = r.bool();
                case 4 -> dest = r.fixed32();
                case 5 -> source = r.fixed32();
                case 6 -> requestId = r.fixed32();
                case 7 -> replyId = r.fixed32();
                case 8 -> emoji = r.fixed32();
                case 9 -> bitfield = OptionalInt.of(r.uint32());
                default -> r.skip();
            }
        }
        return new Data(portnum, payload, wantResponse, dest, source, requestId, replyId, emoji, bitfield);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Data d && d.portnum == portnum && Arrays.equals(d.payload, payload)
                && d.wantResponse == wantResponse && d.dest == dest && d.source == source && d.requestId == requestId
                && d.replyId == replyId && d.emoji == emoji && d.bitfield.equals(bitfield);
    }

    @Override
    public int hashCode() {
        return portnum * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Data[" + PortNum.name(portnum) + ", " + payload.length + " bytes"
                + (bitfield.isPresent() ? ", bitfield " + bitfield.getAsInt() : "") + "]";
    }
}
