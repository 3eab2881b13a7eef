package net.sovereignbridge.p2p.websocket;

/**
 * Everything a remote WebSocket peer can make us allocate or wait for.
 *
 * @param maxHandshakeBytes  the HTTP request or response head, request line to the blank line
 * @param maxFramePayload    one frame's payload; a larger announced length closes with 1009 before reading it
 * @param maxMessageBytes    a message reassembled from fragments (the most we buffer per connection)
 * @param handshakeTimeoutMs how long the peer may take to send its handshake (slow-header defence)
 * @param closeTimeoutMs     how long we wait for the peer's close frame after sending ours
 */
public record WebSocketLimits(int maxHandshakeBytes, int maxFramePayload, int maxMessageBytes,
        int handshakeTimeoutMs, int closeTimeoutMs) {

    /**
     * 8 KiB of headers is what common servers allow; 1 MiB per frame and per message fits every libp2p
     * write (a Noise message is at most 65537 bytes on the wire, js-libp2p sends one per WebSocket
     * message or a few concatenated) with room to spare.
     */
    public static final WebSocketLimits DEFAULT = new WebSocketLimits(8 * 1024, 1 << 20, 1 << 20, 10_000, 2_000);

    public WebSocketLimits {
        if (maxHandshakeBytes < 256) throw new IllegalArgumentException("maxHandshakeBytes below 256");
        if (maxFramePayload < 125) throw new IllegalArgumentException("maxFramePayload below 125 (control frames)");
        if (maxMessageBytes < maxFramePayload) throw new IllegalArgumentException("maxMessageBytes below maxFramePayload");
        if (handshakeTimeoutMs <= 0 || closeTimeoutMs <= 0) throw new IllegalArgumentException("timeouts must be positive");
    }
}
