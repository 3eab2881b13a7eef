package net.sovereignbridge.p2p.dht;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Our hand-written codec against Google's protobuf runtime reading the kad-dht schema (proto3, as
 * published in the libp2p specs): what we write, the reference parses to the same fields; what the
 * reference writes, we read back.
 */
class DhtProtoReferenceProperties {
    static final Descriptors.Descriptor MESSAGE;

    static {
        FieldDescriptorProto.Type BYTES = FieldDescriptorProto.Type.TYPE_BYTES;
        DescriptorProto record = DescriptorProto.newBuilder().setName("Record")
                .addField(field("key", 1, BYTES, false)).addField(field("value", 2, BYTES, false))
                .addField(field("timeReceived", 5, FieldDescriptorProto.Type.TYPE_STRING, false)).build();
        EnumDescriptorProto type = EnumDescriptorProto.newBuilder().setName("MessageType")
                .addValue(ev("PUT_VALUE", 0)).addValue(ev("GET_VALUE", 1)).addValue(ev("ADD_PROVIDER", 2))
                .addValue(ev("GET_PROVIDERS", 3)).addValue(ev("FIND_NODE", 4)).addValue(ev("PING", 5)).build();
        EnumDescriptorProto conn = EnumDescriptorProto.newBuilder().setName("ConnectionType")
                .addValue(ev("NOT_CONNECTED", 0)).addValue(ev("CONNECTED", 1)).addValue(ev("CAN_CONNECT", 2))
                .addValue(ev("CANNOT_CONNECT", 3)).build();
        DescriptorProto peer = DescriptorProto.newBuilder().setName("Peer")
                .addField(field("id", 1, BYTES, false)).addField(field("addrs", 2, BYTES, true))
                .addField(field("connection", 3, FieldDescriptorProto.Type.TYPE_ENUM, false).toBuilder()
                        .setTypeName(".Message.ConnectionType").build()).build();
        DescriptorProto message = DescriptorProto.newBuilder().setName("Message")
                .addEnumType(type).addEnumType(conn).addNestedType(peer)
                .addField(field("type", 1, FieldDescriptorProto.Type.TYPE_ENUM, false).toBuilder().setTypeName(".Message.MessageType").build())
                .addField(field("clusterLevelRaw", 10, FieldDescriptorProto.Type.TYPE_INT32, false))
                .addField(field("key", 2, BYTES, false))
                .addField(field("record", 3, FieldDescriptorProto.Type.TYPE_MESSAGE, false).toBuilder().setTypeName(".Record").build())
                .addField(field("closerPeers", 8, FieldDescriptorProto.Type.TYPE_MESSAGE, true).toBuilder().setTypeName(".Message.Peer").build())
                .addField(field("providerPeers", 9, FieldDescriptorProto.Type.TYPE_MESSAGE, true).toBuilder().setTypeName(".Message.Peer").build())
                .build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("dht.proto").setSyntax("proto3")
                .addMessageType(record).addMessageType(message).build();
        try {
            MESSAGE = Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]).findMessageTypeByName("Message");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type, boolean repeated) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(repeated ? FieldDescriptorProto.Label.LABEL_REPEATED : FieldDescriptorProto.Label.LABEL_OPTIONAL).build();
    }

    private static EnumValueDescriptorProto ev(String name, int n) {
        return EnumValueDescriptorProto.newBuilder().setName(name).setNumber(n).build();
    }

    @Provide
    Arbitrary<DhtMessage> messages() {
        return new DhtMessageCodecProperties().messages();
    }

    @Property(tries = 300)
    void theReferenceReadsWhatWeWrite(@ForAll("messages") DhtMessage m) throws Exception {
        DynamicMessage ref = DynamicMessage.parseFrom(MESSAGE, DhtMessageCodec.encode(m));
        assertEquals(m.type().code, ((Descriptors.EnumValueDescriptor) ref.getField(MESSAGE.findFieldByName("type"))).getNumber());
        assertArrayEquals(m.key(), ((ByteString) ref.getField(MESSAGE.findFieldByName("key"))).toByteArray());
        assertEquals(m.closerPeers().size(), ref.getRepeatedFieldCount(MESSAGE.findFieldByName("closerPeers")));
        assertEquals(m.providerPeers().size(), ref.getRepeatedFieldCount(MESSAGE.findFieldByName("providerPeers")));
        assertEquals(m, fromReference(ref));
        // and the reference's own serialisation decodes to the same message with our decoder
        var ok = assertInstanceOf(DhtMessageCodec.Ok.class, DhtMessageCodec.decode(ref.toByteArray()));
        assertEquals(m, ok.message());
    }

    @Test
    void weReadTheReferenceIncludingClusterLevel() {
        var peerType = MESSAGE.findNestedTypeByName("Peer");
        DynamicMessage peer = DynamicMessage.newBuilder(peerType)
                .setField(peerType.findFieldByName("id"), ByteString.copyFrom(new byte[] {0, 36, 8, 1}))
                .addRepeatedField(peerType.findFieldByName("addrs"), ByteString.copyFrom(new byte[] {4, 127, 0, 0, 1}))
                .setField(peerType.findFieldByName("connection"), peerType.findFieldByName("connection").getEnumType().findValueByNumber(2))
                .build();
        DynamicMessage ref = DynamicMessage.newBuilder(MESSAGE)
                .setField(MESSAGE.findFieldByName("type"), MESSAGE.findEnumTypeByName("MessageType").findValueByNumber(3))
                .setField(MESSAGE.findFieldByName("clusterLevelRaw"), 7)
                .setField(MESSAGE.findFieldByName("key"), ByteString.copyFromUtf8("provider-key"))
                .addRepeatedField(MESSAGE.findFieldByName("providerPeers"), peer)
                .build();
        var ok = assertInstanceOf(DhtMessageCodec.Ok.class, DhtMessageCodec.decode(ref.toByteArray()));
        assertEquals(DhtMessage.Type.GET_PROVIDERS, ok.message().type());
        assertEquals(DhtMessage.Connection.CAN_CONNECT, ok.message().providerPeers().get(0).connection());
        assertArrayEquals(new byte[] {4, 127, 0, 0, 1}, ok.message().providerPeers().get(0).addrs().get(0));
    }

    private static DhtMessage fromReference(DynamicMessage ref) {
        DhtMessage.Type type = DhtMessage.Type.values()[((Descriptors.EnumValueDescriptor) ref.getField(MESSAGE.findFieldByName("type"))).getNumber()];
        byte[] key = ((ByteString) ref.getField(MESSAGE.findFieldByName("key"))).toByteArray();
        DhtMessage.Record record = null;
        var recField = MESSAGE.findFieldByName("record");
        if (ref.hasField(recField)) {
            DynamicMessage r = (DynamicMessage) ref.getField(recField);
            var rt = recField.getMessageType();
            record = new DhtMessage.Record(((ByteString) r.getField(rt.findFieldByName("key"))).toByteArray(),
                    ((ByteString) r.getField(rt.findFieldByName("value"))).toByteArray(),
                    (String) r.getField(rt.findFieldByName("timeReceived")));
        }
        return new DhtMessage(type, key, record, peers(ref, "closerPeers"), peers(ref, "providerPeers"));
    }

    private static List<DhtMessage.Peer> peers(DynamicMessage ref, String name) {
        var f = MESSAGE.findFieldByName(name);
        var pt = f.getMessageType();
        List<DhtMessage.Peer> out = new ArrayList<>();
        for (int i = 0; i < ref.getRepeatedFieldCount(f); i++) {
            DynamicMessage p = (DynamicMessage) ref.getRepeatedField(f, i);
            List<byte[]> addrs = new ArrayList<>();
            var af = pt.findFieldByName("addrs");
            for (int j = 0; j < p.getRepeatedFieldCount(af); j++) addrs.add(((ByteString) p.getRepeatedField(af, j)).toByteArray());
            int conn = ((Descriptors.EnumValueDescriptor) p.getField(pt.findFieldByName("connection"))).getNumber();
            out.add(new DhtMessage.Peer(((ByteString) p.getField(pt.findFieldByName("id"))).toByteArray(), addrs,
                    DhtMessage.Connection.values()[conn]));
        }
        return out;
    }
}
