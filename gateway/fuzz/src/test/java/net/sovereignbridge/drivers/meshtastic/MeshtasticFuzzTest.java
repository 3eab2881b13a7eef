package net.sovereignbridge.drivers.meshtastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * Meshtastic packets from the air (header + encrypted Data), from a serial or TCP radio (FromRadio/ToRadio
 * in the 0x94 0xC3 stream framing) and from MQTT (ServiceEnvelope). Each protobuf message that decodes
 * re-encodes to bytes that decode to the same encoding (unknown fields are dropped on the way).
 */
class MeshtasticFuzzTest {
    private static final List<Channel> CHANNELS = List.of(Channel.defaultChannel());

    interface Codec<T> {
        T decode(byte[] b) throws MeshtasticException;
    }

    private static <T> void roundTrip(String what, byte[] input, Codec<T> codec, java.util.function.Function<T, byte[]> encode) {
        T value;
        try {
            value = AllocationLimit.check(what, 8L * input.length, () -> codec.decode(input));
        } catch (MeshtasticException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        byte[] first = encode.apply(value);
        try {
            assertArrayEquals(first, encode.apply(codec.decode(first)), what + ": decode(encode(m)) == m");
        } catch (MeshtasticException e) {
            throw new AssertionError(what + ": our encoding of a decoded message fails: " + e.getMessage(), e);
        }
    }

    @FuzzTest
    void meshPacket(byte[] input) {
        roundTrip("MeshPacket.decode", input, MeshPacket::decode, MeshPacket::encode);
    }

    @FuzzTest
    void fromRadio(byte[] input) {
        roundTrip("FromRadio.decode", input, FromRadio::decode, FromRadio::encode);
    }

    @FuzzTest
    void toRadio(byte[] input) {
        roundTrip("ToRadio.decode", input, ToRadio::decode, ToRadio::encode);
    }

    @FuzzTest
    void serviceEnvelope(byte[] input) {
        roundTrip("ServiceEnvelope.decode", input, ServiceEnvelope::decode, ServiceEnvelope::encode);
    }

    @FuzzTest
    void data(byte[] input) {
        roundTrip("Data.decode", input, Data::decode, Data::encode);
    }

    @FuzzTest
    void user(byte[] input) {
        roundTrip("User.decode", input, User::decode, User::encode);
    }

    @FuzzTest
    void position(byte[] input) {
        roundTrip("Position.decode", input, Position::decode, Position::encode);
    }

    /** A LoRa frame: the 16-byte header round-trips byte for byte; opening with the default channel is typed. */
    @FuzzTest
    void radioFrame(byte[] input) {
        RadioFrame f;
        try {
            f = RadioFrame.decode(input);
        } catch (MeshtasticException e) {
            AllocationLimit.assertExplained(e);
            return;
        }
        assertArrayEquals(input, f.encode());
        try {
            MeshtasticCodec.open(input, CHANNELS);
        } catch (MeshtasticException e) {
            AllocationLimit.assertExplained(e);
        }
    }

    /** Seal then open with the default channel gives the Data back. */
    @FuzzTest
    void sealOpen(FuzzedDataProvider d) throws MeshtasticException {
        Channel ch = Channel.defaultChannel();
        PacketHeader h = PacketHeader.originate(d.consumeInt(), d.consumeInt(), d.consumeInt(), d.consumeInt(0, 7),
                d.consumeBoolean(), ch.hash());
        Data data = Data.of(d.consumeInt(1, 511), // port 0 (UNKNOWN_APP) reads as a wrong key
                d.consumeBytes(Data.MAX_PAYLOAD - 16));
        byte[] frame;
        try {
            frame = MeshtasticCodec.seal(h, data, ch);
        } catch (IllegalArgumentException tooLong) {
            return; // documented: a Data message over the frame size is refused when sealing
        }
        MeshtasticCodec.Opened o = MeshtasticCodec.open(frame, CHANNELS);
        assertEquals(h, o.header());
        assertArrayEquals(data.encode(), o.data().encode());
    }

    /** The serial/TCP stream framing: any byte soup yields only frames within the limit; a framed message comes back. */
    @FuzzTest
    void streamFraming(FuzzedDataProvider d) {
        byte[] message = d.consumeBytes(StreamFraming.MAX_PAYLOAD);
        byte[] noise = d.consumeRemainingAsBytes();
        StreamFraming s = new StreamFraming();
        for (byte[] f : s.feed(noise)) assertTrue(f.length <= StreamFraming.MAX_PAYLOAD, "frame of " + f.length);
        // A framed message fed to a fresh reader comes back whole.
        byte[] framed = StreamFraming.frame(message);
        StreamFraming clean = new StreamFraming();
        List<byte[]> got = clean.feed(framed);
        assertEquals(1, got.size());
        assertArrayEquals(message, got.get(0));
    }
}
