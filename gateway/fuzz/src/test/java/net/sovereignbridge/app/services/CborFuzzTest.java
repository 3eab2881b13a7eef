package net.sovereignbridge.app.services;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.sovereignbridge.fuzz.AllocationLimit;

/** CBOR payloads from local devices (CoAP and MQTT bodies). */
class CborFuzzTest {
    @FuzzTest
    void cbor(byte[] input) {
        // Items are capped at MAX_ITEMS and strings by the input, so allocation follows the input's size.
        Cbor.Result r = AllocationLimit.check("Cbor.decode", 64L * input.length + 64L * Cbor.MAX_ITEMS, () -> Cbor.decode(input));
        if (r instanceof Cbor.Error e) {
            AllocationLimit.assertExplained("Cbor.Error", e.problem());
            return;
        }
        Object value = ((Cbor.Ok) r).value();
        // Heads may be non-minimal on input; our encoding is canonical and a fixed point.
        byte[] encoded = Cbor.encode(value);
        Cbor.Result again = Cbor.decode(encoded);
        if (!(again instanceof Cbor.Ok ok)) throw new AssertionError("our encoding of a decoded value fails: " + again);
        assertArrayEquals(encoded, Cbor.encode(ok.value()), "decode(encode(v)) == v");
    }
}
