package net.sovereignbridge.p2p.protobuf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;

/** Writes protobuf fields in the order called (we emit fields in field-number order, as protoc does). */
public final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    public ProtoWriter varint(int field, long value) {
        UnsignedVarint.write((long) field << 3, out);
        UnsignedVarint.write(value, out);
        return this;
    }

    public ProtoWriter bytes(int field, byte[] value) {
        UnsignedVarint.write((long) field << 3 | 2, out);
        UnsignedVarint.write(value.length, out);
        out.writeBytes(value);
        return this;
    }

    public ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
