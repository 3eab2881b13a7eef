package net.sovereignbridge.app.transport.satellite;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.app.transport.TransportContext;
import net.sovereignbridge.app.transport.TransportFactory;
import net.sovereignbridge.app.transport.TransportSettings;
import net.sovereignbridge.drivers.satellite.MulticastReceiver;
import net.sovereignbridge.drivers.satellite.OpenPgpReceiver;
import net.sovereignbridge.drivers.satellite.Reassembler;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;

/**
 * Blockstream Satellite receive ({@link SatelliteTransport}): keys {@code interface, group, port, channels, key,
 * signers, require-signature, download-dir, max-download-bytes, max-download-files, max-message-bytes,
 * expiry-seconds}. Only in {@code transports:} lists: a downlink needs an interface, which has no default.
 */
public final class SatelliteTransportFactory implements TransportFactory {
    public static final String TYPE = "satellite";
    /** A received bundle is verified whole in memory; the control channel's bundle limit. */
    static final long MAX_BUNDLE_BYTES = 32L << 20;
    static final int LEDGER_CAPACITY = 65_536;

    private final Clock clock;

    public SatelliteTransportFactory(Clock clock) {
        this.clock = clock;
    }

    /** A checked {@code satellite} section; paths left null default into the state directory at bring-up. */
    public record Settings(String id, SatelliteTransport.Listen listen, Path keyFile, Path signersFile, boolean requireSignature,
                           Path downloadDir, long maxDownloadBytes, int maxDownloadFiles, long maxMessageBytes, Clock clock)
            implements TransportSettings {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Outcome bringUp(TransportContext context) {
            if (context.stateDir() == null) return new Down("no state directory for the satellite key and the record of received messages");
            try {
                if (NetworkInterface.getByName(listen.interfaceName()) == null) {
                    return new Down("no network interface " + listen.interfaceName() + ": plug in the DVB-S2 receiver (dvb0_0 appears"
                            + " once dvbnet is set up, see hardware/blockstream-satellite-receiver.md), or fix interface:, then sbridge transport start " + id);
                }
            } catch (SocketException e) {
                return new Down("cannot list network interfaces: " + e.getMessage());
            }
            PGPSecretKeyRingCollection keys;
            try {
                keys = keyFile != null ? SatelliteKeyFile.load(keyFile)
                        : SatelliteKeyFile.loadOrCreate(context.stateDir(), "sbridge gateway " + (context.node() == null ? id : context.node().toHex()), new SecureRandom());
            } catch (SatelliteKeyFile.KeyFileException e) {
                return new Down(e.getMessage());
            }
            PGPPublicKeyRingCollection signers = null;
            if (signersFile != null) {
                try (InputStream in = Files.newInputStream(signersFile)) {
                    signers = OpenPgpReceiver.readPublicKeys(in);
                } catch (IOException | PGPException | RuntimeException e) {
                    return new Down("signers file " + signersFile + " is not readable as OpenPGP public keys (gpg --armor --export writes them): " + e.getMessage());
                }
                if (signers.size() == 0) return new Down("signers file " + signersFile + " holds no OpenPGP public key (gpg --armor --export writes them)");
            }
            Path dir = downloadDir != null ? downloadDir : context.stateDir().resolve("satellite").resolve(id);
            DownloadDirectory downloads = new DownloadDirectory(dir, maxDownloadBytes, maxDownloadFiles);
            ReceivedLedger ledger;
            try {
                downloads.prepare();
                ledger = new ReceivedLedger(context.stateDir().resolve("satellite-" + id + ".received"), LEDGER_CAPACITY);
            } catch (IOException e) {
                return new Down("cannot prepare " + dir + " for received files: " + e.getMessage());
            }
            OpenPgpReceiver pgp = new OpenPgpReceiver(keys, signers, maxMessageBytes + net.sovereignbridge.drivers.satellite.ApiMessage.HEADER_LEN);
            SatelliteTransport t = new SatelliteTransport(id, listen,
                    sink -> new DownlinkProcessor(pgp, requireSignature, downloads, ledger, sink, maxMessageBytes, MAX_BUNDLE_BYTES), ledger, clock);
            return new Up(t, ledger::close);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String shorthandId() {
        return "sat0";
    }

    /** There is no {@code satellite:} shorthand; an empty section asks for nothing, any key in it is an error. */
    @Override
    public Optional<TransportSettings> readShorthand(ConfigNode section) throws ConfigException {
        return TransportFactory.listEntryOnly(section, "a satellite receiver is configured in transports: as {type: satellite, id: sat0, interface: dvb0_0}",
                "interface");
    }

    @Override
    public TransportSettings read(String id, ConfigNode section) throws ConfigException {
        String nif = section.string("interface", "");
        if (nif.isEmpty()) throw section.invalid("interface", "missing: the interface the receiver delivers on (dvb0_0 for a USB receiver, lo for Sat-IP or a software radio, eth0 for a Novra S400)");
        String groupText = section.string("group", MulticastReceiver.DEFAULT_GROUP);
        InetAddress group;
        try {
            group = InetAddress.getByName(groupText);
        } catch (UnknownHostException e) {
            throw section.invalid("group", "'" + groupText + "' is not an IP address");
        }
        if (!group.isMulticastAddress() || !(group instanceof java.net.Inet4Address)) {
            throw section.invalid("group", groupText + " is not an IPv4 multicast group (224.0.0.0/4); Blockstream's API is on 239.0.0.2");
        }
        int port = (int) section.integer("port", MulticastReceiver.DEFAULT_PORT, 1, 65535);
        Set<Integer> channels = new LinkedHashSet<>();
        for (String c : section.strings("channels", List.of("1"))) {
            try {
                int ch = Integer.parseInt(c.trim());
                if (ch < 0 || ch > 255) throw new NumberFormatException();
                channels.add(ch);
            } catch (NumberFormatException e) {
                throw section.invalid("channels", "'" + c + "' is not a channel number 0..255 (1 = user messages)");
            }
        }
        if (channels.isEmpty()) throw section.invalid("channels", "empty: name at least one channel (1 = user messages)");
        String key = section.string("key", "");
        String signers = section.string("signers", "");
        boolean requireSignature = section.bool("require-signature", false);
        if (requireSignature && signers.isEmpty()) throw section.invalid("require-signature", "needs signers: (the public keys whose signatures count)");
        String dir = section.string("download-dir", "");
        long maxDownload = section.integer("max-download-bytes", 1L << 30, 1L << 20, 1L << 40);
        int maxFiles = (int) section.integer("max-download-files", 10_000, 1, 1_000_000);
        long maxMessage = section.integer("max-message-bytes", Reassembler.DEFAULT_MAX_PENDING_BYTES, 1L << 16, 1L << 30);
        long expiry = section.integer("expiry-seconds", Reassembler.DEFAULT_EXPIRY_MILLIS / 1000, 10, 86_400);
        // pending fragments of incomplete messages: one largest message (65536 fragments of 1464 bytes is ~96 MB)
        long pending = Math.max(maxMessage, 1L << 20);
        return new Settings(id, new SatelliteTransport.Listen(nif, group, port, Set.copyOf(channels), expiry * 1000, pending),
                key.isEmpty() ? null : Path.of(key), signers.isEmpty() ? null : Path.of(signers), requireSignature,
                dir.isEmpty() ? null : Path.of(dir), maxDownload, maxFiles, maxMessage, clock);
    }
}
