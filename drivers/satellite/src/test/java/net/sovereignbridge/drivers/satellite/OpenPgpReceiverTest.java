package net.sovereignbridge.drivers.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole sender chain with real parts: encapsulate, gpg encrypts and signs, the Blockstream framing
 * peer FEC-codes with zfec; 10 % loss and reordering; we reassemble, decrypt, check and unwrap.
 */
class OpenPgpReceiverTest {
    @TempDir Path dir;
    Gpg gpg;
    OpenPgpReceiver receiver;

    @BeforeEach void keys() throws Exception {
        gpg = new Gpg(dir);
        gpg.generate("Gateway <gw@sat.test>");
        gpg.generate("Sender <sender@sat.test>");
        gpg.generate("Other <other@sat.test>");
        byte[] secret = gpg.run("--armor", "--export-secret-keys", "gw@sat.test"); // the form `--key` takes
        byte[] signer = gpg.run("--armor", "--export", "sender@sat.test");
        receiver = new OpenPgpReceiver(OpenPgpReceiver.readSecretKeys(new ByteArrayInputStream(secret)),
                OpenPgpReceiver.readPublicKeys(new ByteArrayInputStream(signer)), 200L << 20);
    }

    @AfterEach void stopAgent() throws Exception {
        gpg.close();
    }

    private byte[] encrypt(byte[] plain, String recipient, boolean sign) throws Exception {
        Path in = dir.resolve("plain"), out = dir.resolve("cipher");
        Files.write(in, plain);
        List<String> a = new ArrayList<>(List.of("--trust-model", "always", "--recipient", recipient, "--output", out.toString()));
        if (sign) a.addAll(List.of("--local-user", "sender@sat.test", "--sign"));
        a.addAll(List.of("--encrypt", in.toString()));
        gpg.run(a.toArray(String[]::new));
        return Files.readAllBytes(out);
    }

    @Test void signedFileThroughLossyFecChannel() throws Exception {
        byte[] payload = new byte[300_000];
        new Random(1).nextBytes(payload);
        byte[] cipher = encrypt(new ApiMessage("update.tar", payload).encapsulate(), "gw@sat.test", true);
        Path f = dir.resolve("c");
        Files.write(f, cipher);
        List<byte[]> sent = RealPeer.frame(dir, f, 1, 5, 0.25);
        // Every tenth datagram lost, not a random 10 %: gpg's ciphertext (fresh keys, session key) differs in
        // length from run to run, so a seeded random draw would hit different objects each run, and a small
        // last object with one parity chunk can lose two. A fixed pattern stays within every object's parity.
        List<byte[]> grams = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) if (i % 10 != 3) grams.add(sent.get(i));
        Collections.shuffle(grams, new Random(3));
        Reassembler re = new Reassembler(Reassembler.DEFAULT_EXPIRY_MILLIS, Reassembler.DEFAULT_MAX_PENDING_BYTES, new ReceiverStats());
        List<ReceivedMessage> got = new ArrayList<>();
        for (byte[] g : grams) re.accept(BlockstreamPacket.parse(g, 0, g.length), 0).ifPresent(got::add);
        assertEquals(1, got.size());
        OpenPgpReceiver.Result res = receiver.decrypt(got.get(0).data());
        assertEquals(OpenPgpReceiver.Outcome.DECRYPTED, res.outcome());
        assertEquals(OpenPgpReceiver.Signature.VALID, res.signature());
        ApiMessage m = ApiMessage.decapsulate(res.plaintext());
        assertEquals("update.tar", m.fileName());
        assertArrayEquals(payload, m.payload());
    }

    @Test void unsignedTextMessage() throws Exception {
        byte[] msg = new ApiMessage("", "hello from orbit".getBytes()).encapsulate();
        OpenPgpReceiver.Result res = receiver.decrypt(encrypt(msg, "gw@sat.test", false));
        assertEquals(OpenPgpReceiver.Signature.UNSIGNED, res.signature());
        assertArrayEquals(msg, res.plaintext());
    }

    @Test void messageForAnotherKeyIsNotForUs() throws Exception {
        OpenPgpReceiver.Result res = receiver.decrypt(encrypt(new byte[100], "other@sat.test", true));
        assertEquals(OpenPgpReceiver.Outcome.NOT_FOR_US, res.outcome());
        assertNull(res.plaintext());
    }

    @Test void alteredCiphertextIsRejected() throws Exception {
        byte[] c = encrypt(new byte[5000], "gw@sat.test", false);
        c[c.length - 30] ^= 0x40;
        assertThrows(MalformedPacketException.class, () -> receiver.decrypt(c));
    }

    @Test void signatureByUnknownKeyIsFlagged() throws Exception {
        OpenPgpReceiver noSigners = new OpenPgpReceiver(OpenPgpReceiver.readSecretKeys(new ByteArrayInputStream(
                gpg.run("--export-secret-keys", "gw@sat.test"))), null, 1 << 20);
        assertEquals(OpenPgpReceiver.Signature.UNKNOWN_SIGNER, noSigners.decrypt(encrypt(new byte[10], "gw@sat.test", true)).signature());
    }
}
