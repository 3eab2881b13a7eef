package net.sovereignbridge.app.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Who may log in to the embedded broker: the gateway's own account {@link #USER}, whose password is made
 * once and kept in {@code password} (0600) in the broker's directory under the state directory, and the
 * device accounts of an operator's password file ({@code mqtt.device-accounts}, made with
 * {@code mosquitto_passwd}). Both go into the Mosquitto password file {@code passwd} (0600), rewritten at
 * every start. The broker runs without anonymous access, so only holders of a password can read the inbox
 * or send as the gateway (docs/services.md, "Who may act as the gateway").
 *
 * <p>Hashes are Mosquitto 2's format: {@code $7$ITERATIONS$SALT$HASH}, PBKDF2-HMAC-SHA512 with 101
 * iterations, a 12-byte salt and a 64-byte hash, salt and hash in base64 (mosquitto_passwd's defaults).
 */
final class BrokerAccounts {
    /** The account the bridge logs in with; device accounts may not use this name. */
    static final String USER = "sbridge";
    static final String PASSWORD_FILE = "password";
    static final String MOSQUITTO_PASSWD = "passwd";
    private static final int ITERATIONS = 101;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String password;
    private final Path passwd;

    private BrokerAccounts(String password, Path passwd) {
        this.password = password;
        this.passwd = passwd;
    }

    /**
     * Reads (or makes, the first time) the gateway's password in {@code dir} and writes the broker's password
     * file with it and the accounts of {@code deviceAccounts} (may be null).
     *
     * @throws IOException naming the file and line of a device account that cannot be used
     */
    static BrokerAccounts prepare(Path dir, Path deviceAccounts) throws IOException {
        Files.createDirectories(dir);
        String password = ownPassword(dir.resolve(PASSWORD_FILE));
        StringBuilder lines = new StringBuilder();
        lines.append(USER).append(':').append(hash(password, salt())).append('\n');
        for (String account : deviceAccounts(deviceAccounts)) lines.append(account).append('\n');
        Path passwd = dir.resolve(MOSQUITTO_PASSWD);
        writeOwnerOnly(passwd, lines.toString());
        return new BrokerAccounts(password, passwd);
    }

    String password() {
        return password;
    }

    Path passwordFile() {
        return passwd;
    }

    private static String ownPassword(Path file) throws IOException {
        if (Files.exists(file)) {
            // our own file: keep it private even if someone widened it
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            String p = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (p.length() >= 16 && p.matches("[A-Za-z0-9_-]+")) return p;
            throw new IOException(file + ": not a broker password made by sbridge (delete it to make a new one)");
        }
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        String p = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            return ownPassword(file); // another start made it first
        }
        Files.writeString(file, p + "\n", StandardCharsets.US_ASCII);
        return p;
    }

    /** Mosquitto 2's PBKDF2-SHA512 password hash of {@code password} with {@code salt}. */
    static String hash(String password, byte[] salt) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 64 * 8);
            byte[] h = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
            Base64.Encoder b64 = Base64.getEncoder();
            return "$7$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is part of every Java 17 runtime", e);
        }
    }

    private static byte[] salt() {
        byte[] s = new byte[12];
        RANDOM.nextBytes(s);
        return s;
    }

    /** The {@code name:$7$...} (or older {@code $6$}) lines of an operator's password file. */
    static List<String> deviceAccounts(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        if (file == null) return out;
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("mqtt.device-accounts " + file + ": cannot read: " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int colon = line.indexOf(':');
            String name = colon > 0 ? line.substring(0, colon) : "";
            String where = "mqtt.device-accounts " + file + ":" + (i + 1) + ": ";
            if (colon <= 0 || !line.substring(colon + 1).matches("\\$[67]\\$\\S+")) {
                throw new IOException(where + "expected 'name:$7$...' as mosquitto_passwd writes it");
            }
            if (name.equals(USER)) throw new IOException(where + "'" + USER + "' is the gateway's own account");
            out.add(line);
        }
        return out;
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
