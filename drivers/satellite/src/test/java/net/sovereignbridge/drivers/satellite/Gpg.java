package net.sovereignbridge.drivers.satellite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Debian's gnupg in a throw-away home: the OpenPGP peer of the tests. */
public final class Gpg implements AutoCloseable {
    public final Path home;

    public Gpg(Path dir) throws Exception {
        home = Files.createDirectories(dir.resolve("gnupg"));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    public byte[] run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", ""));
        cmd.addAll(List.of(args));
        return RealPeer.run(home, cmd.toArray(String[]::new));
    }

    /** A key like gpg's default makes (Ed25519 signing, Curve25519 encryption subkey). */
    public void generate(String uid) throws Exception {
        run("--quick-gen-key", uid, "future-default", "default", "never");
    }

    @Override
    public void close() throws Exception {
        RealPeer.run(home, "gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent");
    }
}
