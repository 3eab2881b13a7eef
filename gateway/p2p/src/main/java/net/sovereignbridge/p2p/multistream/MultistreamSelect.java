package net.sovereignbridge.p2p.multistream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.sovereignbridge.mesh.encoding.UnsignedVarint;

/**
 * multistream-select 1.0 over a blocking byte stream.
 *
 * <p>Every message is uvarint(n) followed by n bytes, the last of which is '\n'. Both sides first
 * send the header "/multistream/1.0.0". The dialer proposes protocols one at a time; the listener
 * echoes a protocol it accepts or answers "na". We cap lines at {@link #MAX_LINE} bytes (protocol ids
 * are short) and the number of proposals a dialer may make, so a peer cannot make us read forever.
 */
public final class MultistreamSelect {
    public static final String HEADER = "/multistream/1.0.0";
    public static final String NA = "na";
    /** Largest message (including '\n') we read or write. */
    public static final int MAX_LINE = 1024;
    /** Proposals a listener answers before it gives up on the dialer. */
    public static final int MAX_PROPOSALS = 32;

    private MultistreamSelect() {}

    public static byte[] encode(String line) throws MultistreamException {
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        if (text.length + 1 > MAX_LINE) throw new MultistreamException("line longer than " + MAX_LINE);
        for (byte b : text) if (b == '\n') throw new MultistreamException("line contains a newline");
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 3);
        UnsignedVarint.write(text.length + 1L, out);
        out.writeBytes(text);
        out.write('\n');
        return out.toByteArray();
    }

    /** Reads one message and returns it without its '\n'. */
    public static String readLine(InputStream in) throws IOException, MultistreamException {
        long length = 0;
        for (int i = 0; ; i++) {
            if (i == 2) throw new MultistreamException("length prefix too long"); // 1024 fits in 2 bytes
            int b = in.read();
            if (b < 0) throw new EOFException("stream closed during negotiation");
            length |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) throw new MultistreamException("length prefix not minimal");
                break;
            }
        }
        if (length == 0 || length > MAX_LINE) throw new MultistreamException("bad line length " + length);
        byte[] buf = in.readNBytes((int) length);
        if (buf.length != length) throw new EOFException("stream closed inside a line");
        if (buf[buf.length - 1] != '\n') throw new MultistreamException("line does not end in newline");
        return new String(buf, 0, buf.length - 1, StandardCharsets.UTF_8);
    }

    /**
     * Dialer side: proposes each protocol in order and returns the first one the listener accepts.
     * The header and the first proposal go out in one write (pipelined), as other implementations do.
     */
    public static String select(InputStream in, OutputStream out, List<String> protocols)
            throws IOException, MultistreamException {
        if (protocols.isEmpty()) throw new MultistreamException("nothing to propose");
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        first.writeBytes(encode(HEADER));
        first.writeBytes(encode(protocols.get(0)));
        out.write(first.toByteArray());
        out.flush();
        String header = readLine(in);
        if (!HEADER.equals(header)) throw new MultistreamException("unexpected header '" + printable(header) + "'");
        for (int i = 0; i < protocols.size(); i++) {
            if (i > 0) {
                out.write(encode(protocols.get(i)));
                out.flush();
            }
            String answer = readLine(in);
            if (answer.equals(protocols.get(i))) return answer;
            if (!NA.equals(answer)) throw new MultistreamException("unexpected answer '" + printable(answer) + "'");
        }
        throw new MultistreamException("listener supports none of " + protocols);
    }

    /** Listener side: answers proposals until one is in {@code supported}, which it returns. */
    public static String handle(InputStream in, OutputStream out, List<String> supported)
            throws IOException, MultistreamException {
        out.write(encode(HEADER));
        out.flush();
        String header = readLine(in);
        if (!HEADER.equals(header)) throw new MultistreamException("unexpected header '" + printable(header) + "'");
        for (int i = 0; i < MAX_PROPOSALS; i++) {
            String proposal = readLine(in);
            if (supported.contains(proposal)) {
                out.write(encode(proposal));
                out.flush();
                return proposal;
            }
            out.write(encode(NA)); // also the answer to "ls", which we do not serve
            out.flush();
        }
        throw new MultistreamException("more than " + MAX_PROPOSALS + " proposals");
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
