package net.sovereignbridge.p2p.noise;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.List;
import net.sovereignbridge.mesh.identity.NodeIdentity;

/**
 * The libp2p `/noise` secure channel over a blocking byte stream: every Noise message, handshake or
 * transport, is sent as a 2-byte big-endian length followed by that many bytes (at most 65535), so a
 * transport message carries at most 65519 plaintext bytes.
 */
public final class NoiseSecureChannel {
    public static final int MAX_FRAME = 65535;
    public static final int MAX_PLAINTEXT = MAX_FRAME - 16;

    private final InputStream in;
    private final OutputStream out;
    private final NoiseCipherState sending;
    private final NoiseCipherState receiving;
    private final byte[] remoteIdentityKey;
    private final List<String> remoteStreamMuxers;

    private NoiseSecureChannel(InputStream in, OutputStream out, NoiseCipherState sending,
            NoiseCipherState receiving, NoiseHandshakePayload.Verified remote) {
        this.in = in;
        this.out = out;
        this.sending = sending;
        this.receiving = receiving;
        this.remoteIdentityKey = remote.identityKey();
        this.remoteStreamMuxers = remote.streamMuxers();
    }

    /** Initiator side; {@code expectedPeerId} (PeerId bytes) is checked when not null. */
    public static NoiseSecureChannel dial(InputStream in, OutputStream out, NodeIdentity identity,
            byte[] expectedPeerId, SecureRandom random) throws IOException, NoiseException {
        return dial(in, out, identity, expectedPeerId, List.of(), random);
    }

    /** Initiator side, offering {@code streamMuxers} (in order of preference) in message 3's extensions. */
    public static NoiseSecureChannel dial(InputStream in, OutputStream out, NodeIdentity identity,
            byte[] expectedPeerId, List<String> streamMuxers, SecureRandom random) throws IOException, NoiseException {
        byte[] staticKey = new byte[32];
        random.nextBytes(staticKey);
        NoiseXX hs = new NoiseXX(true, staticKey, random);
        writeFrame(out, hs.writeMessage(new byte[0]));
        byte[] payload = hs.readMessage(readFrame(in));
        NoiseHandshakePayload.Verified remote = NoiseHandshakePayload.verifyPayload(payload, hs.remoteStaticPublic(), expectedPeerId);
        writeFrame(out, hs.writeMessage(NoiseHandshakePayload.encode(identity, hs.localStaticPublic(), streamMuxers)));
        NoiseCipherState[] c = hs.split();
        return new NoiseSecureChannel(in, out, c[0], c[1], remote);
    }

    public static NoiseSecureChannel accept(InputStream in, OutputStream out, NodeIdentity identity,
            SecureRandom random) throws IOException, NoiseException {
        return accept(in, out, identity, List.of(), random);
    }

    /** Responder side, offering {@code streamMuxers} in message 2's extensions. */
    public static NoiseSecureChannel accept(InputStream in, OutputStream out, NodeIdentity identity,
            List<String> streamMuxers, SecureRandom random) throws IOException, NoiseException {
        byte[] staticKey = new byte[32];
        random.nextBytes(staticKey);
        NoiseXX hs = new NoiseXX(false, staticKey, random);
        hs.readMessage(readFrame(in));
        writeFrame(out, hs.writeMessage(NoiseHandshakePayload.encode(identity, hs.localStaticPublic(), streamMuxers)));
        byte[] payload = hs.readMessage(readFrame(in));
        NoiseHandshakePayload.Verified remote = NoiseHandshakePayload.verifyPayload(payload, hs.remoteStaticPublic(), null);
        NoiseCipherState[] c = hs.split();
        return new NoiseSecureChannel(in, out, c[1], c[0], remote);
    }

    /** The stream muxers the remote offered in its handshake payload (empty when it offered none). */
    public List<String> remoteStreamMuxers() {
        return remoteStreamMuxers;
    }

    /** The remote peer's verified Ed25519 identity key. */
    public byte[] remoteIdentityKey() {
        return remoteIdentityKey.clone();
    }

    public synchronized void write(byte[] data, int offset, int length) throws IOException, NoiseException {
        while (length > 0) {
            int n = Math.min(length, MAX_PLAINTEXT);
            // length prefix and ciphertext in one buffer: one allocation, one socket write per message
            byte[] frame = new byte[2 + n + 16];
            int c = sending.encryptInto(data, offset, n, frame, 2);
            frame[0] = (byte) (c >> 8);
            frame[1] = (byte) c;
            out.write(frame);
            out.flush();
            offset += n;
            length -= n;
        }
    }

    /** Reads and decrypts one transport message. */
    public byte[] read() throws IOException, NoiseException {
        return receiving.decrypt(null, readFrame(in));
    }

    /** As {@link #read()}, but null when the stream ends cleanly between two messages. */
    public byte[] readOrEnd() throws IOException, NoiseException {
        int hi = in.read();
        if (hi < 0) return null;
        int lo = in.read();
        if (lo < 0) throw new EOFException("stream closed inside a Noise length prefix");
        int length = (hi << 8) | lo;
        // into an array of the exact size: readNBytes(int) would read in 8 KiB pieces and copy them again
        byte[] message = new byte[length];
        if (in.readNBytes(message, 0, length) != length) throw new EOFException("stream closed inside a Noise message");
        return receiving.decrypt(null, message);
    }

    static void writeFrame(OutputStream out, byte[] message) throws IOException {
        if (message.length > MAX_FRAME) throw new IOException("Noise message over 65535 bytes");
        byte[] frame = new byte[2 + message.length];
        frame[0] = (byte) (message.length >> 8);
        frame[1] = (byte) message.length;
        System.arraycopy(message, 0, frame, 2, message.length);
        out.write(frame);
        out.flush();
    }

    static byte[] readFrame(InputStream in) throws IOException {
        int hi = in.read();
        int lo = in.read();
        if (hi < 0 || lo < 0) throw new EOFException("stream closed");
        int length = (hi << 8) | lo;
        byte[] message = in.readNBytes(length);
        if (message.length != length) throw new EOFException("stream closed inside a Noise message");
        return message;
    }
}
