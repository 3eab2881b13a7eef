package net.sovereignbridge.drivers.satellite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import java.util.Random;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's own key and the sender side against the real peers: gpg encrypts to a key we generated and
 * decrypts what we encrypted; python3-zfec decodes what {@link FecEncoder} coded, with chunks lost.
 */
class SenderSideTest {
    @TempDir Path dir;
    Gpg gpg;

    @BeforeEach void agent() throws Exception {
        gpg = new Gpg(dir);
    }

    @AfterEach void stopAgent() throws Exception {
        gpg.close();
    }

    @Test void gpgEncryptsToOurGeneratedKey() throws Exception {
        PGPSecretKeyRing ours = OpenPgpKeys.generate("sbridge test <gw@sat.test>", new SecureRandom(), new Date());
        Path pub = dir.resolve("ours.asc");
        Files.write(pub, OpenPgpKeys.armor(OpenPgpKeys.publicRing(ours).getEncoded()));
        gpg.run("--import", pub.toString());
        String listing = new String(gpg.run("--with-colons", "--list-keys", "gw@sat.test"), StandardCharsets.UTF_8);
        assertTrue(listing.contains("pub:-:255:22:"), listing); // EdDSA primary
        assertTrue(listing.contains("sub:-:255:18:"), listing); // ECDH Curve25519 subkey
        byte[] msg = new ApiMessage("hello.txt", "from gpg to us".getBytes(StandardCharsets.UTF_8)).encapsulate();
        Path in = dir.resolve("m"), out = dir.resolve("m.gpg");
        Files.write(in, msg);
        gpg.run("--trust-model", "always", "--recipient", "gw@sat.test", "--output", out.toString(), "--encrypt", in.toString());
        OpenPgpReceiver rx = new OpenPgpReceiver(new PGPSecretKeyRingCollection(List.of(ours)), null, 1 << 20);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        ApiMessage.Unwrapper unwrap = new ApiMessage.Unwrapper(payload);
        OpenPgpReceiver.Result r = rx.decrypt(Files.readAllBytes(out), unwrap);
        assertEquals(OpenPgpReceiver.Outcome.DECRYPTED, r.outcome());
        assertEquals("hello.txt", unwrap.finish());
        assertEquals("from gpg to us", payload.toString(StandardCharsets.UTF_8));
    }

    @Test void gpgDecryptsWhatWeEncrypted() throws Exception {
        gpg.generate("Recipient <rcpt@sat.test>");
        byte[] pub = gpg.run("--armor", "--export", "rcpt@sat.test");
        byte[] plain = new byte[70_000];
        new Random(4).nextBytes(plain);
        byte[] cipher = OpenPgpSender.encrypt(plain, OpenPgpKeys.encryptionKey(OpenPgpReceiver.readPublicKeys(new ByteArrayInputStream(pub))), new SecureRandom());
        Path c = dir.resolve("c.gpg"), p = dir.resolve("p");
        Files.write(c, cipher);
        gpg.run("--output", p.toString(), "--decrypt", c.toString());
        assertArrayEquals(plain, Files.readAllBytes(p));
    }

    @Test void zfecDecodesOurFecPackets() throws Exception {
        byte[] data = new byte[500_000]; // two objects at 10 % overhead (232 chunks each at most)
        new Random(5).nextBytes(data);
        List<byte[]> packets = FecEncoder.encode(data, 0.1, new Random(6));
        assertTrue(packets.stream().allMatch(p -> p.length == BlockstreamPacket.MAX_PAYLOAD));
        Path up = dir.resolve("upload"), out = dir.resolve("decoded");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        packets.forEach(all::writeBytes);
        Files.write(up, all.toByteArray());
        RealPeer.script(dir, "fec_decode.py");
        RealPeer.run(dir, "/usr/bin/python3", dir.resolve("fec_decode.py").toString(), up.toString(), out.toString(), "0,5,17,30");
        assertArrayEquals(data, Files.readAllBytes(out));
    }

    @Test void streamingUnwrapperChecksTheCrc() throws Exception {
        byte[] m = new ApiMessage("a.txt", "hi".getBytes(StandardCharsets.US_ASCII)).encapsulate();
        ApiMessage.Unwrapper ok = new ApiMessage.Unwrapper(new ByteArrayOutputStream());
        for (byte b : m) ok.write(b); // byte by byte: the header boundary falls inside no write
        assertEquals("a.txt", ok.finish());
        m[m.length - 1] ^= 1;
        ApiMessage.Unwrapper bad = new ApiMessage.Unwrapper(new ByteArrayOutputStream());
        bad.write(m);
        ApiMessage.BadCrcException e = assertThrows(ApiMessage.BadCrcException.class, bad::finish);
        assertTrue(e.getMessage().contains("d8932aac"), e.getMessage());
        ApiMessage.Unwrapper shortOne = new ApiMessage.Unwrapper(new ByteArrayOutputStream());
        shortOne.write(new byte[100]);
        assertThrows(MalformedPacketException.class, shortOne::finish);
    }
}
