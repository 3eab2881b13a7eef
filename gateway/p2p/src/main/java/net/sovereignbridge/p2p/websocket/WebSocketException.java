package net.sovereignbridge.p2p.websocket;

import java.io.IOException;

/**
 * A WebSocket protocol failure. {@link #closeCode()} is the RFC 6455 status code we send (or sent) in
 * our close frame, or the HTTP status for a failed handshake; the message names what was wrong.
 */
public class WebSocketException extends IOException {
    private final int closeCode;

    public WebSocketException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
