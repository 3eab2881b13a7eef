package net.sovereignbridge.mesh.custody;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import net.sovereignbridge.fuzz.AllocationLimit;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.identity.NodeIdentity;

/**
 * Bundle files. The signature covers the whole file, so raw bytes never reach the frame list; the second
 * target signs what the fuzzer writes after the header, so the parser behind the signature is fuzzed too
 * (a bundle exported by a node whose frames or counts are hostile).
 */
class BundleFuzzTest {
    private static final NodeIdentity EXPORTER = NodeIdentity.fromSeed(new byte[32]);

    @FuzzTest
    void raw(byte[] input) {
        Decoded<Bundle> d = AllocationLimit.check("Bundle.read", 2L * input.length, () -> Bundle.read(input));
        if (d instanceof Decoded.Error<Bundle> e) AllocationLimit.assertExplained(e.reason().name(), e.detail());
        else throw new AssertionError("an unsigned file was accepted");
    }

    @FuzzTest
    void signedBody(byte[] afterKey) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("SBB1".getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(EXPORTER.publicIdentity().publicKey());
        body.writeBytes(afterKey);
        byte[] unsigned = body.toByteArray();
        body.writeBytes(EXPORTER.sign(unsigned));
        byte[] file = body.toByteArray();
        Decoded<Bundle> d = AllocationLimit.check("Bundle.read", 3L * file.length, () -> Bundle.read(file));
        if (d instanceof Decoded.Error<Bundle> e) {
            AllocationLimit.assertExplained(e.reason().name(), e.detail());
            if (file.length >= 48 + 64) assertEquals(false, e.reason() == DecodeError.BAD_SIGNATURE, "a valid signature was refused");
            return;
        }
        Bundle b = d.value();
        assertArrayEquals(file, b.sign(EXPORTER), "a bundle that reads re-signs to the same file");
        assertEquals(EXPORTER.publicIdentity(), b.exporter());
    }
}
