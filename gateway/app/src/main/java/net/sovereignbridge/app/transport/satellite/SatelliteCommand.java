package net.sovereignbridge.app.transport.satellite;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.app.cli.StateDirOption;
import net.sovereignbridge.app.control.ControlClient;
import net.sovereignbridge.drivers.satellite.ApiMessage;
import net.sovereignbridge.drivers.satellite.BlockstreamPacket;
import net.sovereignbridge.drivers.satellite.FecEncoder;
import net.sovereignbridge.drivers.satellite.MulticastReceiver;
import net.sovereignbridge.drivers.satellite.OpenPgpKeys;
import net.sovereignbridge.drivers.satellite.OpenPgpReceiver;
import net.sovereignbridge.drivers.satellite.OpenPgpSender;
import net.sovereignbridge.drivers.satellite.Reassembler;
import net.sovereignbridge.drivers.satellite.ReceiverStats;
import net.sovereignbridge.mesh.identity.IdentityFile;
import net.sovereignbridge.mesh.identity.IdentityFileException;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sbridge satellite}: the downlink on its own (listen), the gateway's OpenPGP key, and uploads for the API. */
@Command(name = "satellite", description = "Blockstream Satellite: listen to the downlink, print the gateway's OpenPGP key, prepare an upload.",
        subcommands = {SatelliteCommand.Listen.class, SatelliteCommand.Key.class, SatelliteCommand.Prepare.class})
public final class SatelliteCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The gateway's own key: loaded, or created beside the identity (whose address names it). */
    static PGPSecretKeyRingCollection ownKey(Path stateDir) throws SatelliteKeyFile.KeyFileException, IdentityFileException {
        String address = IdentityFile.loadOrCreate(stateDir, new SecureRandom()).address().toHex();
        return SatelliteKeyFile.loadOrCreate(stateDir, "sbridge gateway " + address, new SecureRandom());
    }

    @Command(name = "key", description = "Print the gateway's OpenPGP public key (ASCII armor), creating the key if missing;"
            + " senders import it into gpg and encrypt to it.")
    static final class Key implements Callable<Integer> {
        @Mixin StateDirOption state;

        @Option(names = "--out", paramLabel = "FILE", description = "write the public key to FILE instead of standard output")
        Path out;

        @Override
        public Integer call() {
            try {
                PGPSecretKeyRingCollection keys = ownKey(state.resolve());
                byte[] armored = SatelliteKeyFile.publicKeyArmored(keys);
                if (out != null) {
                    Files.write(out, armored);
                    System.out.println("wrote the public key " + String.join(", ", SatelliteKeyFile.fingerprints(keys)) + " to " + out);
                } else {
                    System.out.write(armored);
                    System.out.flush();
                }
                return ExitCodes.OK;
            } catch (SatelliteKeyFile.KeyFileException | IdentityFileException e) {
                System.err.println("sbridge: " + e.getMessage());
                return ExitCodes.IDENTITY;
            } catch (IOException e) {
                System.err.println("sbridge: cannot write " + out + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
    }

    @Command(name = "prepare", description = "Write the bytes to hand to Blockstream's API for upload: FILE (or, with --bundle, the"
            + " running daemon's held messages as a sealed bundle) encapsulated, encrypted to the recipient, FEC-coded.")
    static final class Prepare implements Callable<Integer> {
        @Mixin StateDirOption state;

        @Option(names = "--bundle", description = "export this daemon's held messages (sbridge bundle export) instead of a file")
        boolean bundle;

        @Option(names = "--recipient", required = true, paramLabel = "KEY",
                description = "the receiving gateway's OpenPGP public key (what its 'sbridge satellite key' printed, or gpg --armor --export)")
        Path recipient;

        @Option(names = "--name", paramLabel = "NAME", description = "file name in the API header (default: FILE's name, mesh.sbb for --bundle)")
        String name;

        @Option(names = "--fec-overhead", paramLabel = "R", defaultValue = "0.1",
                description = "parity share of the FEC (default 0.1, as Blockstream's sender); 0 for no FEC")
        double overhead;

        @Parameters(arity = "1..2", paramLabel = "FILE OUT", description = "FILE to send (omit with --bundle), OUT for the upload")
        List<Path> paths;

        @Override
        public Integer call() {
            if (bundle != (paths.size() == 1)) {
                System.err.println("sbridge: give FILE and OUT, or --bundle and OUT");
                return ExitCodes.CONFIG;
            }
            if (overhead < 0 || overhead > 10 || Double.isNaN(overhead)) {
                System.err.println("sbridge: --fec-overhead " + overhead + " is not in 0..10");
                return ExitCodes.CONFIG;
            }
            Path out = paths.get(paths.size() - 1);
            byte[] content;
            String fileName;
            try {
                if (bundle) {
                    Map<String, Object> a = ControlClient.call(state.resolve(), Map.of("op", "bundle-export"));
                    if (!Boolean.TRUE.equals(a.get("ok"))) {
                        System.err.println("sbridge: " + a.get("error"));
                        return ExitCodes.FAILED;
                    }
                    content = Base64.getDecoder().decode((String) a.get("bundle"));
                    fileName = name != null ? name : "mesh.sbb";
                } else {
                    Path file = paths.get(0);
                    if (Files.size(file) > MAX_UPLOAD) {
                        System.err.println("sbridge: " + file + " is " + Files.size(file) + " bytes; one API message carries at most " + MAX_UPLOAD);
                        return ExitCodes.FAILED;
                    }
                    content = Files.readAllBytes(file);
                    fileName = name != null ? name : file.getFileName().toString();
                }
            } catch (IOException e) {
                System.err.println("sbridge: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            PGPPublicKey to;
            try (InputStream in = Files.newInputStream(recipient)) {
                to = OpenPgpKeys.encryptionKey(OpenPgpReceiver.readPublicKeys(in));
            } catch (IOException | PGPException | RuntimeException e) {
                System.err.println("sbridge: recipient key " + recipient + " is not an OpenPGP public key with an encryption key: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
            if (fileName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                System.err.println("sbridge: file name '" + fileName + "' is over 255 bytes (the API header's limit); give --name");
                return ExitCodes.CONFIG;
            }
            try {
                byte[] cipher = OpenPgpSender.encrypt(new ApiMessage(fileName, content).encapsulate(), to, new SecureRandom());
                long written;
                try (OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    if (overhead > 0) {
                        List<byte[]> packets = FecEncoder.encode(cipher, overhead, new SecureRandom());
                        for (byte[] p : packets) o.write(p);
                        written = (long) packets.size() * FecEncoder.PACKET_LEN;
                    } else {
                        o.write(cipher);
                        written = cipher.length;
                    }
                }
                long fragments = (written + BlockstreamPacket.MAX_PAYLOAD - 1) / BlockstreamPacket.MAX_PAYLOAD;
                if (fragments > 65_536) {
                    Files.deleteIfExists(out);
                    System.err.println("sbridge: the upload would be " + fragments + " fragments; a Blockstream message has at most 65536");
                    return ExitCodes.FAILED;
                }
                System.out.println("wrote " + written + " bytes (" + fragments + " fragments, " + content.length + " bytes of '" + fileName
                        + "' encrypted to key " + Long.toHexString(to.getKeyID()).toUpperCase() + (overhead > 0 ? ", FEC overhead " + overhead : ", no FEC")
                        + ") to " + out);
                return ExitCodes.OK;
            } catch (IOException | PGPException | IllegalArgumentException e) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // the first error is the one to report
                }
                System.err.println("sbridge: cannot prepare the upload: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
    }

    /** Largest file prepare takes: 65536 fragments minus FEC and OpenPGP overhead at the default 10 %, rounded down. */
    static final long MAX_UPLOAD = 80L << 20;

    @Command(name = "listen", description = "Receive the downlink alone, like Blockstream's 'api listen': decrypt, check and save"
            + " every message for our key into --out; runs until interrupted.")
    static final class Listen implements Callable<Integer> {
        @Mixin StateDirOption state;

        @Option(names = "--interface", required = true, paramLabel = "IF", description = "dvb0_0, lo (Sat-IP, software radio), eth0 (Novra S400)")
        String nif;

        @Option(names = "--group", paramLabel = "G", defaultValue = MulticastReceiver.DEFAULT_GROUP, description = "multicast group (default ${DEFAULT-VALUE})")
        String group;

        @Option(names = "--port", paramLabel = "P", defaultValue = "" + MulticastReceiver.DEFAULT_PORT, description = "UDP port (default ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--channel", paramLabel = "N", split = ",", defaultValue = "1", description = "API channels (default 1, user messages)")
        Set<Integer> channels;

        @Option(names = "--key", paramLabel = "FILE",
                description = "ASCII-armored OpenPGP secret key without passphrase (gpg --armor --export-secret-keys, in a 0600 file);"
                        + " default: the gateway's own")
        Path key;

        @Option(names = "--signers", paramLabel = "FILE", description = "OpenPGP public keys whose signatures count as valid")
        Path signers;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "where received files land")
        Path out;

        @Option(names = "--max-bytes", paramLabel = "N", defaultValue = "1073741824", description = "bound on the bytes in DIR (default 1 GiB)")
        long maxBytes;

        @Option(names = "--exit-after", paramLabel = "N", defaultValue = "0", description = "exit after N files (default 0: run until interrupted)")
        int exitAfter;

        @Option(names = "--json", description = "one JSON object per message on standard output")
        boolean json;

        @Override
        public Integer call() {
            PGPSecretKeyRingCollection keys;
            PGPPublicKeyRingCollection trusted = null;
            InetAddress g;
            try {
                keys = key != null ? SatelliteKeyFile.load(key) : ownKey(state.resolve());
                if (signers != null) trusted = OpenPgpReceiver.readPublicKeys(new ByteArrayInputStream(Files.readAllBytes(signers)));
                g = InetAddress.getByName(group);
            } catch (SatelliteKeyFile.KeyFileException | IdentityFileException e) {
                System.err.println("sbridge: " + e.getMessage());
                return ExitCodes.IDENTITY;
            } catch (UnknownHostException e) {
                System.err.println("sbridge: --group " + group + " is not an IP address");
                return ExitCodes.CONFIG;
            } catch (IOException | PGPException e) {
                System.err.println("sbridge: signers file " + signers + ": " + e.getMessage());
                return ExitCodes.CONFIG;
            }
            long maxMessage = Reassembler.DEFAULT_MAX_PENDING_BYTES;
            DownloadDirectory downloads = new DownloadDirectory(out, maxBytes, 1_000_000);
            ReceiverStats stats = new ReceiverStats();
            try {
                downloads.prepare();
                ReceivedLedger ledger = new ReceivedLedger(out.resolve(".sbridge-received"), SatelliteTransportFactory.LEDGER_CAPACITY);
                DownlinkProcessor processor = new DownlinkProcessor(new OpenPgpReceiver(keys, trusted, maxMessage + ApiMessage.HEADER_LEN),
                        false, downloads, ledger, null, maxMessage, 0);
                try (MulticastReceiver rx = new MulticastReceiver(nif, g, port, channels,
                        new Reassembler(Reassembler.DEFAULT_EXPIRY_MILLIS, maxMessage, stats), stats, System::currentTimeMillis)) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            rx.close();
                        } catch (IOException ignored) {
                            // exiting anyway
                        }
                    }));
                    System.err.println("listening on " + nif + " " + g.getHostAddress() + ":" + rx.localPort() + ", channels " + channels + ", saving into " + out);
                    AtomicInteger files = new AtomicInteger();
                    rx.run(m -> {
                        DownlinkProcessor.Outcome o = processor.process(m);
                        print(m.sequence(), o);
                        if (o.kind() == DownlinkProcessor.Kind.FILE && exitAfter > 0 && files.incrementAndGet() >= exitAfter) {
                            try {
                                rx.close();
                            } catch (IOException ignored) {
                                // the loop ends either way
                            }
                        }
                    }, bad -> { });
                }
                ledger.close();
            } catch (IOException e) {
                System.err.println("sbridge: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            System.err.println("stopped: " + stats);
            return ExitCodes.OK;
        }

        private void print(long sequence, DownlinkProcessor.Outcome o) {
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("sequence", sequence);
                m.put("outcome", o.kind().name().toLowerCase());
                m.put("name", o.name());
                m.put("bytes", o.bytes());
                if (o.path() != null) m.put("path", o.path().toString());
                if (o.signature() != null) m.put("signature", o.signature().name().toLowerCase());
                m.put("detail", o.detail());
                System.out.println(Json.write(m));
            } else if (o.kind() == DownlinkProcessor.Kind.FILE) {
                System.out.println("saved " + o.path() + " (" + o.bytes() + " bytes, signature " + o.signature().name().toLowerCase() + ")");
            } else if (o.kind() != DownlinkProcessor.Kind.NOT_FOR_US) {
                System.out.println("message " + sequence + ": " + o.kind().name().toLowerCase() + ": " + o.detail());
            }
            System.out.flush();
        }
    }
}
