package net.sovereignbridge.p2p.protobuf;

import java.io.IOException;

/** A protobuf message from the network that does not decode; the message says what and where. */
public final class ProtoException extends IOException {
    public ProtoException(String message) {
        super(message);
    }
}
