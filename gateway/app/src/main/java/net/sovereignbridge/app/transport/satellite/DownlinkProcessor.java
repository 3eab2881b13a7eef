package net.sovereignbridge.app.transport.satellite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.LongAdder;
import net.sovereignbridge.drivers.satellite.ApiMessage;
import net.sovereignbridge.drivers.satellite.MalformedPacketException;
import net.sovereignbridge.drivers.satellite.OpenPgpReceiver;
import net.sovereignbridge.drivers.satellite.ReceivedMessage;
import net.sovereignbridge.mesh.custody.Bundle;
import net.sovereignbridge.mesh.frame.Decoded;

/**
 * What the gateway does with one reassembled downlink message, the same for the daemon's transport and for
 * {@code sbridge satellite listen}: decrypt with our key (another key's message is skipped quietly), check the
 * signer when required, check the API header's CRC as the plaintext streams into a temporary file, skip a
 * message already taken (the ledger), then import a sealed mesh bundle or keep the file in the download
 * directory. Single-threaded: the receive loop calls it.
 */
public final class DownlinkProcessor {
    private static final byte[] BUNDLE_MAGIC = "SBB1".getBytes(StandardCharsets.US_ASCII);

    /** Receives a verified bundle (the transport hands its frames to the node); null: bundles are kept as files. */
    public interface BundleSink {
        Bundle.ImportReport importBundle(Bundle bundle);
    }

    /** What happened to one message. */
    public enum Kind { FILE, BUNDLE, REPEAT, NOT_FOR_US, UNSIGNED_REFUSED, BAD_CRC, MALFORMED, FULL, FAILED }

    /**
     * @param path where the file landed (FILE), else null
     * @param detail what was wrong, or the bundle import's counts; never key material
     */
    public record Outcome(Kind kind, String name, long bytes, Path path, OpenPgpReceiver.Signature signature, String detail) {}

    /** Counters by outcome, readable from any thread (status). */
    public static final class Counters {
        public final LongAdder files = new LongAdder(), bundles = new LongAdder(), repeats = new LongAdder(),
                notForUs = new LongAdder(), unsignedRefused = new LongAdder(), badCrc = new LongAdder(),
                malformed = new LongAdder(), full = new LongAdder(), failed = new LongAdder();

        void count(Kind k) {
            (switch (k) {
                case FILE -> files; case BUNDLE -> bundles; case REPEAT -> repeats; case NOT_FOR_US -> notForUs;
                case UNSIGNED_REFUSED -> unsignedRefused; case BAD_CRC -> badCrc; case MALFORMED -> malformed;
                case FULL -> full; case FAILED -> failed;
            }).increment();
        }
    }

    private final OpenPgpReceiver pgp;
    private final boolean requireSignature;
    private final DownloadDirectory downloads;
    private final ReceivedLedger ledger;
    private final BundleSink bundles;
    private final long maxMessageBytes;
    private final long maxBundleBytes;
    private final Counters counters = new Counters();

    /**
     * @param ledger null: no memory of earlier messages (the CLI listener without state)
     * @param maxBundleBytes a bundle is verified whole in memory: larger ones are kept as files
     */
    public DownlinkProcessor(OpenPgpReceiver pgp, boolean requireSignature, DownloadDirectory downloads, ReceivedLedger ledger,
                             BundleSink bundles, long maxMessageBytes, long maxBundleBytes) {
        this.pgp = pgp;
        this.requireSignature = requireSignature;
        this.downloads = downloads;
        this.ledger = ledger;
        this.bundles = bundles;
        this.maxMessageBytes = maxMessageBytes;
        this.maxBundleBytes = maxBundleBytes;
    }

    public Counters counters() {
        return counters;
    }

    public Outcome process(ReceivedMessage message) {
        Outcome o = handle(message);
        counters.count(o.kind());
        return o;
    }

    private Outcome handle(ReceivedMessage message) {
        MessageDigest sha = sha256();
        try (DownloadDirectory.Partial file = downloads.begin(maxMessageBytes)) {
            ApiMessage.Unwrapper unwrap = new ApiMessage.Unwrapper(new DigestOutputStream(file.stream(), sha));
            OpenPgpReceiver.Result r;
            String name;
            try {
                r = pgp.decrypt(message.data(), unwrap);
                if (r.outcome() == OpenPgpReceiver.Outcome.NOT_FOR_US) return outcome(Kind.NOT_FOR_US, "", 0, null, r.signature(), "encrypted to another key");
                name = unwrap.finish();
            } catch (ApiMessage.BadCrcException e) {
                return outcome(Kind.BAD_CRC, "", unwrap.payloadLength(), null, null, e.getMessage());
            } catch (MalformedPacketException e) {
                return outcome(Kind.MALFORMED, "", unwrap.payloadLength(), null, null, e.getMessage());
            }
            long size = unwrap.payloadLength();
            if (requireSignature && r.signature() != OpenPgpReceiver.Signature.VALID) {
                return outcome(Kind.UNSIGNED_REFUSED, name, size, null, r.signature(),
                        "signature " + r.signature() + (r.signerKeyId() != 0 ? " by key " + Long.toHexString(r.signerKeyId()).toUpperCase() : "")
                                + "; require-signature wants one by a trusted signer");
            }
            sha.update((byte) 0);
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            byte[] digest = sha.digest();
            if (ledger != null && ledger.contains(digest)) return outcome(Kind.REPEAT, name, size, null, r.signature(), "received before");
            file.stream().flush();
            if (bundles != null && size >= Bundle.MIN_LENGTH && size <= maxBundleBytes && startsWithBundleMagic(file)) {
                byte[] bytes = readPartial(file);
                Decoded<Bundle> b = Bundle.read(bytes);
                if (b instanceof Decoded.Ok<Bundle> ok) {
                    Bundle.ImportReport report = bundles.importBundle(ok.value());
                    if (ledger != null) ledger.add(digest);
                    return outcome(Kind.BUNDLE, name, size, null, r.signature(), report.accepted() + " of " + report.frames() + " frames accepted"
                            + (report.firstRejection() == null ? "" : "; first rejected: " + report.firstRejection()));
                }
                // not a valid bundle after all: kept as a file below, so nothing received is lost
            }
            Path landed = file.commit(name.isEmpty() ? "message-" + message.channel() + "-" + message.sequence() : name);
            if (ledger != null) ledger.add(digest);
            return outcome(Kind.FILE, name, size, landed, r.signature(), HexFormat.of().formatHex(digest, 0, 8));
        } catch (DownloadDirectory.FullException e) {
            return outcome(Kind.FULL, "", 0, null, null, e.getMessage());
        } catch (IOException e) {
            return outcome(Kind.FAILED, "", 0, null, null, "cannot write to " + downloads.path() + ": " + e.getMessage());
        }
    }

    private static Outcome outcome(Kind k, String name, long bytes, Path path, OpenPgpReceiver.Signature sig, String detail) {
        return new Outcome(k, name, bytes, path, sig, detail);
    }

    private static boolean startsWithBundleMagic(DownloadDirectory.Partial file) throws IOException {
        try (InputStream in = Files.newInputStream(file.tempPath())) {
            return Arrays.equals(in.readNBytes(BUNDLE_MAGIC.length), BUNDLE_MAGIC);
        }
    }

    private static byte[] readPartial(DownloadDirectory.Partial file) throws IOException {
        return Files.readAllBytes(file.tempPath());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
