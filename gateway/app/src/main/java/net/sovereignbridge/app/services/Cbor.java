package net.sovereignbridge.app.services;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of CBOR (RFC 8949) that local devices need for the service payloads: maps with text keys,
 * arrays, text strings, byte strings, integers, booleans and null. Californium brings no CBOR codec and a
 * library for one map of two fields is not worth its weight on a 512 MB board.
 *
 * <p>Rules kept here: definite lengths only (indefinite-length items, tags, floats and simple values
 * other than false/true/null are rejected as unsupported); at most {@link #MAX_DEPTH} levels and
 * {@link #MAX_ITEMS} items in total, so hostile input cannot make us allocate much; integers must fit a
 * signed 64-bit long. Decoding never throws on bad bytes: it returns a {@link Result} naming the problem.
 *
 * <p>Test vector (RFC 8949 appendix A style): {@code {"to": "ab", "text": "hi"}} encodes to
 * {@code a2 62 74 6f 62 61 62 64 74 65 78 74 62 68 69}.
 */
public final class Cbor {
    public static final int MAX_DEPTH = 8;
    public static final int MAX_ITEMS = 1024;

    private Cbor() {}

    /** Either a decoded value or the reason the bytes are not acceptable CBOR. */
    public sealed interface Result permits Ok, Error {}

    public record Ok(Object value) implements Result {}

    public record Error(String problem) implements Result {}

    // ---- encoding

    /** Encodes maps (String keys), lists, String, byte[], integral Numbers, Boolean and null. */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        if (v == null) {
            out.write(0xf6);
        } else if (v instanceof Boolean b) {
            out.write(b ? 0xf5 : 0xf4);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            long n = ((Number) v).longValue();
            if (n >= 0) head(out, 0, n);
            else head(out, 1, -1 - n);
        } else if (v instanceof byte[] bytes) {
            head(out, 2, bytes.length);
            out.writeBytes(bytes);
        } else if (v instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            head(out, 3, utf8.length);
            out.writeBytes(utf8);
        } else if (v instanceof List<?> list) {
            head(out, 4, list.size());
            for (Object item : list) write(out, item);
        } else if (v instanceof Map<?, ?> map) {
            head(out, 5, map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                write(out, String.valueOf(e.getKey()));
                write(out, e.getValue());
            }
        } else if (v instanceof Number n) {
            // Non-integral numbers do not occur in our payloads; send them as text rather than lose them.
            write(out, n.toString());
        } else {
            write(out, v.toString());
        }
    }

    private static void head(ByteArrayOutputStream out, int major, long n) {
        int m = major << 5;
        if (n < 24) {
            out.write(m | (int) n);
        } else if (n < 0x100) {
            out.write(m | 24);
            out.write((int) n);
        } else if (n < 0x10000) {
            out.write(m | 25);
            out.write((int) (n >> 8));
            out.write((int) n);
        } else if (n < 0x1_0000_0000L) {
            out.write(m | 26);
            for (int s = 24; s >= 0; s -= 8) out.write((int) (n >> s));
        } else {
            out.write(m | 27);
            for (int s = 56; s >= 0; s -= 8) out.write((int) (n >> s));
        }
    }

    // ---- decoding

    public static Result decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        try {
            Object v = r.item(0);
            if (r.pos != bytes.length) return new Error("trailing bytes after the CBOR item at offset " + r.pos);
            return new Ok(v);
        } catch (Malformed e) {
            return new Error(e.getMessage());
        }
    }

    /** Internal signal only; never leaves {@link #decode}. */
    private static final class Malformed extends Exception {
        Malformed(String m) {
            super(m, null, false, false);
        }
    }

    private static final class Reader {
        final byte[] b;
        int pos;
        int items;

        Reader(byte[] b) {
            this.b = b;
        }

        int u8() throws Malformed {
            if (pos >= b.length) throw new Malformed("CBOR ends early at offset " + pos);
            return b[pos++] & 0xff;
        }

        long argument(int info) throws Malformed {
            if (info < 24) return info;
            int len = switch (info) {
                case 24 -> 1;
                case 25 -> 2;
                case 26 -> 4;
                case 27 -> 8;
                default -> throw new Malformed("unsupported CBOR additional info " + info + " at offset " + (pos - 1)
                        + " (indefinite lengths are not accepted)");
            };
            long v = 0;
            for (int i = 0; i < len; i++) v = (v << 8) | u8();
            return v;
        }

        int length(long n) throws Malformed {
            if (n < 0 || n > b.length - pos) throw new Malformed("CBOR length " + Long.toUnsignedString(n)
                    + " exceeds the " + (b.length - pos) + " bytes left at offset " + pos);
            return (int) n;
        }

        Object item(int depth) throws Malformed {
            if (depth > MAX_DEPTH) throw new Malformed("CBOR nested deeper than " + MAX_DEPTH);
            if (++items > MAX_ITEMS) throw new Malformed("more than " + MAX_ITEMS + " CBOR items");
            int start = pos;
            int ib = u8();
            int major = ib >>> 5;
            int info = ib & 0x1f;
            switch (major) {
                case 0 -> {
                    long n = argument(info);
                    if (n < 0) throw new Malformed("CBOR integer at offset " + start + " does not fit 64 bits");
                    return n;
                }
                case 1 -> {
                    long n = argument(info);
                    if (n < 0) throw new Malformed("CBOR integer at offset " + start + " does not fit 64 bits");
                    return -1 - n;
                }
                case 2 -> {
                    int len = length(argument(info));
                    byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + len);
                    pos += len;
                    return out;
                }
                case 3 -> {
                    int len = length(argument(info));
                    try {
                        String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)
                                .decode(java.nio.ByteBuffer.wrap(b, pos, len)).toString();
                        pos += len;
                        return s;
                    } catch (CharacterCodingException e) {
                        throw new Malformed("CBOR text string at offset " + start + " is not valid UTF-8");
                    }
                }
                case 4 -> {
                    long n = argument(info);
                    if (n > MAX_ITEMS) throw new Malformed("CBOR array of " + n + " items is too long");
                    List<Object> out = new ArrayList<>();
                    for (long i = 0; i < n; i++) out.add(item(depth + 1));
                    return out;
                }
                case 5 -> {
                    long n = argument(info);
                    if (n > MAX_ITEMS) throw new Malformed("CBOR map of " + n + " entries is too long");
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (long i = 0; i < n; i++) {
                        int keyAt = pos;
                        Object k = item(depth + 1);
                        if (!(k instanceof String key)) throw new Malformed("CBOR map key at offset " + keyAt + " is not a text string");
                        if (out.containsKey(key)) throw new Malformed("CBOR map repeats the key '" + key + "'");
                        out.put(key, item(depth + 1));
                    }
                    return out;
                }
                case 6 -> throw new Malformed("CBOR tags are not supported (offset " + start + ")");
                default -> {
                    return switch (info) {
                        case 20 -> Boolean.FALSE;
                        case 21 -> Boolean.TRUE;
                        case 22 -> null;
                        default -> throw new Malformed("unsupported CBOR simple value or float at offset " + start);
                    };
                }
            }
        }
    }
}
