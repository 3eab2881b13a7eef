package net.sovereignbridge.p2p.websocket;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The RFC 6455 opening handshake (section 4): an HTTP/1.1 GET with {@code Upgrade: websocket} and a
 * random 16-byte {@code Sec-WebSocket-Key}, answered by {@code 101 Switching Protocols} with
 * {@code Sec-WebSocket-Accept = base64(SHA-1(key + GUID))}. No extension and no subprotocol is
 * negotiated: libp2p runs its own upgrade inside binary messages.
 */
public final class WebSocketHandshake {
    /** The fixed GUID of RFC 6455 section 1.3. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketHandshake() {}

    /** A parsed request: the path asked for and the headers (lower-case names, repeated ones joined by ", "). */
    public record Request(String path, Map<String, String> headers) {}

    public static String acceptKey(String secWebSocketKey) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((secWebSocketKey + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JCA algorithm", e);
        }
    }

    /**
     * Server side: reads and checks the client's request, then writes 101 (or an HTTP error naming the
     * problem, and throws {@link WebSocketException} carrying the HTTP status).
     */
    public static Request accept(InputStream in, OutputStream out, WebSocketLimits limits) throws IOException {
        String[] lines;
        try {
            lines = readHead(in, limits.maxHandshakeBytes(), "request");
        } catch (WebSocketException e) {
            reject(out, e.closeCode(), e.getMessage(), false);
            throw e;
        }
        try {
            String[] requestLine = lines[0].split(" ", -1);
            if (requestLine.length != 3) throw new WebSocketException(400, "malformed request line '" + printable(lines[0]) + "'");
            if (!requestLine[0].equals("GET")) throw new WebSocketException(405, "method " + printable(requestLine[0]) + " is not GET");
            if (!requestLine[2].equals("HTTP/1.1")) {
                throw new WebSocketException(400, "HTTP version " + printable(requestLine[2]) + " is not HTTP/1.1");
            }
            if (!requestLine[1].startsWith("/")) throw new WebSocketException(400, "request target is not an absolute path");
            Map<String, String> headers = parseHeaders(lines);
            if (!headers.containsKey("host")) throw new WebSocketException(400, "no Host header");
            if (!hasToken(headers.get("upgrade"), "websocket")) throw new WebSocketException(400, "Upgrade header is not websocket");
            if (!hasToken(headers.get("connection"), "upgrade")) throw new WebSocketException(400, "Connection header lacks Upgrade");
            if (!"13".equals(headers.get("sec-websocket-version"))) {
                WebSocketException e = new WebSocketException(426, "Sec-WebSocket-Version "
                        + printable(String.valueOf(headers.get("sec-websocket-version"))) + " is not 13");
                reject(out, 426, e.getMessage(), true);
                throw e;
            }
            String key = headers.get("sec-websocket-key");
            if (key == null || !isBase64Of16Bytes(key)) throw new WebSocketException(400, "Sec-WebSocket-Key is not base64 of 16 bytes");
            String response = "HTTP/1.1 101 Switching Protocols\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n\r\n";
            out.write(response.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new Request(requestLine[1], headers);
        } catch (WebSocketException e) {
            if (e.closeCode() != 426) reject(out, e.closeCode(), e.getMessage(), false);
            throw e;
        }
    }

    /** Client side: sends the request for {@code hostHeader} and {@code path}, then checks the 101 answer. */
    public static void connect(InputStream in, OutputStream out, String hostHeader, String path, SecureRandom random,
            WebSocketLimits limits) throws IOException {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String[] lines = readHead(in, limits.maxHandshakeBytes(), "response");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "malformed status line '" + printable(lines[0]) + "'");
        }
        if (!status[1].equals("101")) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "server answered '" + printable(lines[0])
                    + "' instead of 101 Switching Protocols");
        }
        Map<String, String> headers = parseHeaders(lines);
        if (!hasToken(headers.get("upgrade"), "websocket")) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "101 response without Upgrade: websocket");
        }
        if (!hasToken(headers.get("connection"), "upgrade")) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "101 response without Connection: Upgrade");
        }
        if (!acceptKey(key).equals(headers.get("sec-websocket-accept"))) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "wrong Sec-WebSocket-Accept in the 101 response");
        }
        if (headers.containsKey("sec-websocket-extensions")) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "server selected an extension we did not offer");
        }
        if (headers.containsKey("sec-websocket-protocol")) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "server selected a subprotocol we did not offer");
        }
    }

    /**
     * Reads up to the blank line, at most {@code max} bytes, one byte at a time so that nothing after the
     * head (the first frames) is consumed. Lines end in CRLF; a bare LF is tolerated.
     */
    static String[] readHead(InputStream in, int max, String what) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0; // count of consecutive line ends seen (ignoring CR)
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException("connection closed inside the handshake " + what);
            if (head.size() >= max) throw new WebSocketException(431, "handshake " + what + " over " + max + " bytes");
            head.write(b);
            if (b == '\n') {
                if (++matched == 2) break;
            } else if (b != '\r') {
                if (b < 0x20 && b != '\t' || b == 0x7F) {
                    throw new WebSocketException(400, "control byte 0x" + Integer.toHexString(b) + " in the handshake " + what);
                }
                matched = 0;
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r?\n", -1);
        // The split leaves two empty strings for the final blank line and what follows it.
        String[] result = new String[lines.length - 2];
        System.arraycopy(lines, 0, result, 0, result.length);
        if (result.length == 0 || result[0].isEmpty()) throw new WebSocketException(400, "empty handshake " + what);
        return result;
    }

    static Map<String, String> parseHeaders(String[] lines) throws WebSocketException {
        // Repeated names are joined with ", " once at the end: joining on each line copied the growing value
        // every time, quadratic in the number of repeats (1.3 MB allocated for a 641-byte head).
        Map<String, StringBuilder> joined = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith(" ") || line.startsWith("\t")) {
                throw new WebSocketException(400, "folded header line " + i + " (obsolete line folding)");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) throw new WebSocketException(400, "header line " + i + " has no name: '" + printable(line) + "'");
            String name = line.substring(0, colon);
            for (int k = 0; k < name.length(); k++) {
                char c = name.charAt(k);
                if (c <= ' ' || c >= 0x7F || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                    throw new WebSocketException(400, "header line " + i + " has an invalid name '" + printable(name) + "'");
                }
            }
            String value = line.substring(colon + 1).strip();
            StringBuilder previous = joined.putIfAbsent(name.toLowerCase(Locale.ROOT), new StringBuilder(value));
            if (previous != null) previous.append(", ").append(value);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        joined.forEach((name, value) -> headers.put(name, value.toString()));
        return headers;
    }

    private static boolean hasToken(String value, String token) {
        if (value == null) return false;
        for (String part : value.split(",")) if (part.strip().equalsIgnoreCase(token)) return true;
        return false;
    }

    private static boolean isBase64Of16Bytes(String key) {
        if (key.length() != 24) return false;
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void reject(OutputStream out, int status, String reason, boolean versionHeader) {
        String phrase = switch (status) {
            case 405 -> "Method Not Allowed";
            case 426 -> "Upgrade Required";
            case 431 -> "Request Header Fields Too Large";
            default -> "Bad Request";
        };
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + phrase + "\r\n"
                + (versionHeader ? "Sec-WebSocket-Version: 13\r\n" : "")
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        try {
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException ignored) {
            // The peer may already be gone; the handshake failure is reported by the caller.
        }
    }

    /** For error messages: at most 80 characters, non-printable bytes escaped, so a peer cannot forge log lines. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F) b.append(c);
            else b.append(String.format("\\x%02x", (int) c & 0xFF));
        }
        if (s.length() > 80) b.append("...");
        return b.toString();
    }
}
