import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hostile local CoAP client for the state-exhaustion tests: one request from each of COUNT fresh UDP
 * sockets (so COUNT source ports), written byte by byte after RFC 7252 (no CoAP library), each optionally an
 * Observe registration or the first block of a Block1 upload that is then abandoned. All are sent before
 * any answer is read; the sockets stay open for HOLD seconds and never acknowledge anything. Runs with the JDK alone ("java CoapFlood.java ..."), so
 * the tests can start it as another Unix user.
 *
 * <p>Arguments: host port path count type(CON|NON) method(GET|POST) mode(plain|observe|block1) holdSeconds.
 * Prints one line: {@code sent N answered M codes {2.05=...}}.
 */
public final class CoapFlood {
    public static void main(String[] args) throws Exception {
        InetAddress host = InetAddress.getByName(args[0]);
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        int count = Integer.parseInt(args[3]);
        boolean con = args[4].equals("CON");
        int method = args[5].equals("POST") ? 2 : 1;
        String mode = args[6];
        int holdSeconds = Integer.parseInt(args[7]);
        InetSocketAddress server = new InetSocketAddress(host, port);
        List<DatagramSocket> sockets = new ArrayList<>();
        Map<String, Integer> codes = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            sockets.add(s);
            byte[] request = request(con, method, i, path, mode);
            s.send(new DatagramPacket(request, request.length, server));
        }
        // all sent at once, as a flood would; then collect what came back (at most 20 s)
        boolean[] done = new boolean[count];
        int answered = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (answered < count && System.nanoTime() < deadline) {
            for (int i = 0; i < count; i++) {
                if (done[i]) continue;
                DatagramSocket s = sockets.get(i);
                s.setSoTimeout(1);
                DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
                try {
                    s.receive(reply);
                    byte[] r = reply.getData();
                    int type = (r[0] >> 4) & 0x3;
                    int code = r[1] & 0xff;
                    if (code == 0 && type == 2) continue; // an empty ACK: the answer follows separately
                    // An ephemeral port may have belonged to an earlier client whose observe relation the
                    // server still serves: count only answers that carry this request's token.
                    // The token begins with this run's random nonce: an earlier flood's socket i on the same
                    // (sequentially allocated) port had the same index, so an index alone collided.
                    if (reply.getLength() < 12 || (r[0] & 0x0f) != 8 || !java.util.Arrays.equals(r, 4, 12, token(i), 0, 8)) {
                        continue;
                    }
                    codes.merge((code >> 5) + "." + String.format("%02d", code & 0x1f), 1, Integer::sum);
                    done[i] = true;
                    answered++;
                } catch (SocketTimeoutException e) {
                    // not yet
                }
            }
        }
        if (answered < count) codes.put("none", count - answered);
        System.out.println("sent " + count + " answered " + answered + " codes " + codes);
        System.out.flush();
        Thread.sleep(holdSeconds * 1000L);
        for (DatagramSocket s : sockets) s.close();
    }

    private static final int RUN_NONCE = new java.security.SecureRandom().nextInt();

    /** This run's nonce, then the request's index. */
    private static byte[] token(int i) {
        return java.nio.ByteBuffer.allocate(8).putInt(RUN_NONCE).putInt(i).array();
    }

    private static byte[] request(boolean con, int method, int i, String path, String mode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x40 | (con ? 0 : 0x10) | 8); // version 1, CON or NON, 8-byte token
        out.write(method);
        out.write((i >> 8) & 0xff);
        out.write(i & 0xff);
        out.writeBytes(token(i));
        int last = 0;
        if (mode.equals("observe")) last = option(out, last, 6, new byte[0]); // Observe: register (0)
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) last = option(out, last, 11, segment.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] payload = null;
        if (mode.equals("block1")) {
            last = option(out, last, 12, new byte[] {50}); // application/json
            last = option(out, last, 27, new byte[] {0x0a}); // Block1: num 0, more, 64-byte blocks
            payload = new byte[64];
            java.util.Arrays.fill(payload, (byte) 'x');
        }
        if (payload != null) {
            out.write(0xff);
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    /** Writes one option after the previous number {@code last} (RFC 7252 3.1); returns its number. */
    private static int option(ByteArrayOutputStream out, int last, int number, byte[] value) {
        int delta = number - last;
        int len = value.length;
        int dn = delta < 13 ? delta : 13;
        int ln = len < 13 ? len : 13;
        out.write((dn << 4) | ln);
        if (dn == 13) out.write(delta - 13);
        if (ln == 13) out.write(len - 13);
        out.writeBytes(value);
        return number;
    }
}
