package net.sovereignbridge.drivers.meshtastic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * src/test/js/meshtastic-peer/peer.mjs: Meshtastic's own protobuf definitions and Node's AES-CTR behind a line
 * protocol ({@code op<TAB>k=v...} in, {@code ok<TAB>k=v...} out). Its dependencies come from the folder's
 * package-lock.json ({@code npm ci}, once, when node_modules is missing).
 */
public final class MeshtasticPeer implements AutoCloseable {
    static final HexFormat HEX = HexFormat.of();
    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    private MeshtasticPeer(Process process) throws IOException {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String first = out.readLine();
        if (!"ready".equals(first)) throw new AssertionError("meshtastic peer did not start: " + first);
    }

    static MeshtasticPeer start() throws IOException, InterruptedException {
        return start(Path.of("src/test/js/meshtastic-peer"));
    }

    /** The peer from its folder {@code dir} (other modules: {@code ../../drivers/meshtastic/src/test/js/meshtastic-peer}). */
    public static MeshtasticPeer start(Path peerDir) throws IOException, InterruptedException {
        Path dir = peerDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            Process npm;
            try {
                npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
                        .directory(dir.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new AssertionError("npm is needed for the Meshtastic interop tests (apt-get install nodejs npm)", e);
            }
            String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new AssertionError("npm ci in " + dir + " failed:\n" + log);
            }
        }
        try {
            return new MeshtasticPeer(new ProcessBuilder("node", "peer.mjs").directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new AssertionError("node (Node.js 18 or later) is needed for the Meshtastic interop tests", e);
        }
    }

    /** One request; the answer's fields, or an AssertionError with the peer's error text. */
    public synchronized Map<String, String> call(String op, Map<String, ?> args) throws IOException {
        StringBuilder line = new StringBuilder(op);
        args.forEach((k, v) -> line.append('\t').append(k).append('=').append(v));
        in.write(line + "\n");
        in.flush();
        String answer = out.readLine();
        if (answer == null) throw new AssertionError("meshtastic peer exited");
        String[] parts = answer.split("\t");
        if (!parts[0].equals("ok")) throw new AssertionError("meshtastic peer: " + answer);
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            result.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return result;
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    static String hexText(String s) {
        return HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(String hex) {
        return new String(HEX.parseHex(hex), StandardCharsets.UTF_8);
    }

    static String unsigned(int v) {
        return Integer.toUnsignedString(v);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
