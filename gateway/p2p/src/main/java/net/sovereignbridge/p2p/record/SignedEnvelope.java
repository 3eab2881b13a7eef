package net.sovereignbridge.p2p.record;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.mesh.identity.PeerId;
import net.sovereignbridge.p2p.protobuf.ProtoException;
import net.sovereignbridge.p2p.protobuf.ProtoReader;
import net.sovereignbridge.p2p.protobuf.ProtoWriter;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A libp2p signed envelope (libp2p RFC 0002): protobuf Envelope{1 public_key (PublicKey protobuf),
 * 2 payload_type (bytes), 3 payload (bytes), 5 signature (bytes)}. The signature covers
 * uvarint(len(domain)) || domain || uvarint(len(payload_type)) || payload_type || uvarint(len(payload)) || payload,
 * so a record signed for one domain cannot be replayed as another. Only Ed25519 keys are accepted.
 */
public record SignedEnvelope(byte[] publicKeyProtobuf, byte[] payloadType, byte[] payload, byte[] signature) {
    /** Largest envelope we parse (a peer record with a dozen addresses is a few hundred bytes). */
    public static final int MAX_LENGTH = 4096;

    public static SignedEnvelope seal(NodeIdentity identity, String domain, byte[] payloadType, byte[] payload) {
        byte[] sig = identity.sign(signingPayload(domain, payloadType, payload));
        return new SignedEnvelope(PeerId.publicKeyProtobuf(identity.publicIdentity().publicKey()),
                payloadType.clone(), payload.clone(), sig);
    }

    /** The bytes the signature covers. */
    public static byte[] signingPayload(String domain, byte[] payloadType, byte[] payload) {
        byte[] d = domain.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length + payloadType.length + payload.length + 8);
        UnsignedVarint.write(d.length, out);
        out.writeBytes(d);
        UnsignedVarint.write(payloadType.length, out);
        out.writeBytes(payloadType);
        UnsignedVarint.write(payload.length, out);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    public byte[] encode() {
        return new ProtoWriter().bytes(1, publicKeyProtobuf).bytes(2, payloadType).bytes(3, payload)
                .bytes(5, signature).toByteArray();
    }

    public static SignedEnvelope decode(byte[] data) throws ProtoException {
        if (data.length > MAX_LENGTH) throw new ProtoException("signed envelope: " + data.length + " bytes, limit " + MAX_LENGTH);
        ProtoReader r = new ProtoReader("signed envelope", data);
        byte[] key = null;
        byte[] type = null;
        byte[] payload = null;
        byte[] sig = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = r.bytes(MAX_LENGTH);
                case 2 -> type = r.bytes(64);
                case 3 -> payload = r.bytes(MAX_LENGTH);
                case 5 -> sig = r.bytes(512);
                default -> r.skip();
            }
        }
        if (key == null || type == null || payload == null || sig == null) {
            throw new ProtoException("signed envelope: public_key, payload_type, payload or signature missing");
        }
        return new SignedEnvelope(key, type, payload, sig);
    }

    /**
     * Checks the signature for {@code domain} and the payload type; returns the signer's Ed25519 key.
     *
     * @throws ProtoException naming what failed
     */
    public byte[] verify(String domain, byte[] expectedPayloadType) throws ProtoException {
        if (!Arrays.equals(payloadType, expectedPayloadType)) throw new ProtoException("signed envelope: unexpected payload type");
        if (publicKeyProtobuf.length != 36 || publicKeyProtobuf[0] != 0x08 || publicKeyProtobuf[1] != 0x01
                || publicKeyProtobuf[2] != 0x12 || publicKeyProtobuf[3] != 0x20) {
            throw new ProtoException("signed envelope: signer key is not an Ed25519 PublicKey");
        }
        byte[] key = Arrays.copyOfRange(publicKeyProtobuf, 4, 36);
        byte[] signed = signingPayload(domain, payloadType, payload);
        if (signature.length != 64 || !Ed25519.verify(signature, 0, key, 0, signed, 0, signed.length)) {
            throw new ProtoException("signed envelope: signature does not verify for domain '" + domain + "'");
        }
        return key;
    }
}
