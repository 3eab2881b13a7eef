package net.sovereignbridge.p2p.yamux;

import java.io.IOException;

/** The remote peer broke the Yamux protocol; the session is closed with GoAway "protocol error". */
public final class YamuxProtocolException extends IOException {
    public YamuxProtocolException(String message) {
        super(message);
    }
}
