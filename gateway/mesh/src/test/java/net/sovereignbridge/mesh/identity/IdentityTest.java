package net.sovereignbridge.mesh.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import net.sovereignbridge.mesh.encoding.Base58;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityTest {
    /** See {@link #peerIdMatchesJsLibp2p()}; public key 03a107bf...5531b8. */
    private static final String JS_LIBP2P_PEER_ID = "12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB";

    /**
     * Ed25519 vectors of the W3C CCG did:key method (w3c-ccg/did-method-key, test-vectors/ed25519-x25519.json):
     * seed, did, Ed25519 public key in base58.
     */
    @ParameterizedTest
    @CsvSource({
        "0000000000000000000000000000000000000000000000000000000000000000, did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp, 4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS",
        "0000000000000000000000000000000000000000000000000000000000000001, did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG, 6ASf5EcmmEHTgDJ4X4ZT5vT6iHVJBXPg5AN5YoTCpGWt",
        "0000000000000000000000000000000000000000000000000000000000000002, did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf, 8pM1DN3RiT8vbom5u1sNryaNT1nyL8CTTW3b5PwWXRBH",
        "0000000000000000000000000000000000000000000000000000000000000003, did:key:z6MkvqoYXQfDDJRv8L4wKzxYeuKyVZBfi9Qo6Ro8MiLH3kDQ, HPYVwAQmskwT1qEEeRzhoomyfyupJGASQQtCXSNG8XS2",
        "0000000000000000000000000000000000000000000000000000000000000004, did:key:z6MkwW6aqMnjgrhJXFUko3NnZPGzVpkNzhYK7yEhnsibmLwL, J3qYF7YJMKCqQke47UQwiHizgFUXapHxRxKmxbkar89x",
    })
    void w3cDidKeyVectors(String seedHex, String did, String publicKeyBase58) {
        NodeIdentity id = NodeIdentity.fromSeed(HexFormat.of().parseHex(seedHex));
        byte[] expectedKey = Base58.decode(publicKeyBase58);
        assertArrayEquals(expectedKey, id.publicIdentity().publicKey());
        assertEquals(did, id.publicIdentity().did());
        assertArrayEquals(expectedKey, DidKey.decode(did));
        assertEquals(id.publicIdentity(), PublicIdentity.fromDid(did + "#" + did.substring(8)));
    }

    /**
     * Produced by js-libp2p: gateway/mesh/src/test/js/peerid-vector/peerid.mjs with @libp2p/crypto 5 and
     * @libp2p/peer-id 5 (5.1.23 and 5.1.9 when recorded): generateKeyPairFromSeed('Ed25519', seed) with
     * seed = 00 01 02 .. 1f, then peerIdFromPrivateKey(key).toString().
     */
    @Test
    void peerIdMatchesJsLibp2p() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) i;
        PublicIdentity id = NodeIdentity.fromSeed(seed).publicIdentity();
        assertEquals(JS_LIBP2P_PEER_ID, id.peerId());
        assertArrayEquals(id.publicKey(), PeerId.decode(JS_LIBP2P_PEER_ID));
        assertEquals("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8", HexFormat.of().formatHex(id.publicKey()));
    }

    @Test
    void meshAddressIsFirstSixteenBytesOfSha256() throws Exception {
        NodeIdentity id = NodeIdentity.fromSeed(new byte[32]);
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(id.publicIdentity().publicKey());
        assertArrayEquals(java.util.Arrays.copyOf(digest, 16), id.address().toBytes());
        assertEquals(32, id.address().toHex().length());
        assertEquals(id.address(), MeshAddress.parse(id.address().toHex().toUpperCase()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "zz0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef00"})
    void malformedAddressesAreRejectedClearly(String text) {
        IdentifierFormatException e = assertThrows(IdentifierFormatException.class, () -> MeshAddress.parse(text));
        assertTrue(e.getMessage().contains("mesh address"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"did:web:example.com", "did:key:", "did:key:m6Mk", "did:key:z0OIl",
        "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169", "did:key:z6Mk"})
    void malformedDidsAreRejectedClearly(String did) {
        IdentifierFormatException e = assertThrows(IdentifierFormatException.class, () -> DidKey.decode(did));
        assertTrue(e.getMessage().contains("did") || e.getMessage().contains("Ed25519"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12D3KooW", "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", "12D3KooW0OIl"})
    void malformedPeerIdsAreRejectedClearly(String text) {
        IdentifierFormatException e = assertThrows(IdentifierFormatException.class, () -> PeerId.decode(text));
        assertTrue(e.getMessage().contains("PeerId"), e.getMessage());
    }

    @Test
    void signaturesVerifyAndForgeriesDoNot() {
        NodeIdentity a = NodeIdentity.generate(new SecureRandom());
        byte[] msg = "announce".getBytes();
        byte[] sig = a.sign(msg);
        assertTrue(a.publicIdentity().verify(msg, sig));
        sig[5] ^= 1;
        assertFalse(a.publicIdentity().verify(msg, sig));
        assertFalse(a.publicIdentity().verify(msg, new byte[3]));
    }

    @Test
    void keyFileIsCreatedOwnerOnlyAndReloaded(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        NodeIdentity first = IdentityFile.loadOrCreate(state, new SecureRandom());
        Path file = IdentityFile.pathIn(state);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        NodeIdentity again = IdentityFile.loadOrCreate(state, new SecureRandom());
        assertEquals(first.publicIdentity(), again.publicIdentity());
        assertFalse(first.toString().contains(HexFormat.of().formatHex(first.privateSeed())));
    }

    @Test
    void keyFileReadableByOthersIsRefused(@TempDir Path dir) throws Exception {
        IdentityFile.loadOrCreate(dir, new SecureRandom());
        Path file = IdentityFile.pathIn(dir);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IdentityFileException e = assertThrows(IdentityFileException.class, () -> IdentityFile.load(file));
        assertTrue(e.getMessage().contains("rw-r--r--") && e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void corruptKeyFileIsRefused(@TempDir Path dir) throws IOException, IdentityFileException {
        IdentityFile.loadOrCreate(dir, new SecureRandom());
        Path file = IdentityFile.pathIn(dir);
        byte[] content = Files.readAllBytes(file);
        content[10] ^= 0x40; // flip a bit of the seed: the stored public key no longer matches
        Files.write(file, content);
        IdentityFileException e = assertThrows(IdentityFileException.class, () -> IdentityFile.load(file));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        Files.write(file, new byte[] {1, 2, 3});
        e = assertThrows(IdentityFileException.class, () -> IdentityFile.load(file));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void worldWritableStateDirectoryIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectory(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        IdentityFileException e = assertThrows(IdentityFileException.class,
                () -> IdentityFile.loadOrCreate(state, new SecureRandom()));
        assertEquals("state directory " + state + " has permissions rwxrwxrwx; others can write into it and plant a key"
                + " or a database. If nobody did, run: chmod go-w " + state + " (or chmod 700 " + state + ")", e.getMessage());
        assertFalse(Files.exists(IdentityFile.pathIn(state)), "no key may be created in it");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThrows(IdentityFileException.class, () -> IdentityFile.loadOrCreate(state, new SecureRandom()),
                "group-writable is refused too");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        IdentityFile.loadOrCreate(state, new SecureRandom());
    }

    @Test
    void keyOwnedByAnotherUserIsRefused(@TempDir Path dir) throws Exception {
        assumeRoot();
        IdentityFile.loadOrCreate(dir, new SecureRandom());
        Path file = IdentityFile.pathIn(dir);
        Files.setAttribute(file, "unix:uid", 4321);
        IdentityFileException e = assertThrows(IdentityFileException.class,
                () -> IdentityFile.loadOrCreate(dir, new SecureRandom()));
        assertEquals("identity key " + file + " is owned by uid 4321, but sbridge runs as uid 0; someone else's identity"
                + " key must not become ours. run sbridge as its owner instead (runuser -u '#4321' -- sbridge ...)",
                e.getMessage());
    }

    @Test
    void stateDirectoryOwnedByAnotherUserIsRefused(@TempDir Path dir) throws Exception {
        assumeRoot();
        Path state = dir.resolve("state");
        Files.createDirectory(state);
        Files.setAttribute(state, "unix:uid", 4321);
        IdentityFileException e = assertThrows(IdentityFileException.class,
                () -> IdentityFile.loadOrCreate(state, new SecureRandom()));
        assertTrue(e.getMessage().startsWith("state directory " + state + " is owned by uid 4321"), e.getMessage());
    }

    @Test
    void uncreatableStateDirectorySaysWhy(@TempDir Path dir) throws Exception {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        IdentityFileException e = assertThrows(IdentityFileException.class,
                () -> IdentityFile.loadOrCreate(blocker.resolve("state"), new SecureRandom()));
        assertEquals("cannot create state directory " + blocker.resolve("state") + ": Not a directory", e.getMessage());
    }

    @Test
    void concurrentCreatorsAgreeOnOneKey(@TempDir Path dir) throws Exception {
        for (int round = 0; round < 20; round++) {
            Path state = dir.resolve("s" + round);
            int n = 8;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
            try {
                java.util.List<java.util.concurrent.Future<PublicIdentity>> results = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return IdentityFile.loadOrCreate(state, new SecureRandom()).publicIdentity();
                    }));
                }
                java.util.Set<PublicIdentity> seen = new java.util.HashSet<>();
                for (var f : results) seen.add(f.get());
                assertEquals(1, seen.size(), "round " + round + ": one state directory, one identity");
                assertEquals(seen.iterator().next(), IdentityFile.load(IdentityFile.pathIn(state)).publicIdentity(),
                        "the file holds the key every creator returned");
                try (var files = Files.list(state)) {
                    assertEquals(java.util.List.of(IdentityFile.pathIn(state)), files.toList(), "no temporary files left");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void assumeRoot() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.readString(Path.of("/proc/self/status")).matches("(?s).*\\nUid:\\t0\\t.*"),
                "changing a file's owner needs root");
    }
}
