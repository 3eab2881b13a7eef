package net.sovereignbridge.app.services;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Which Unix users own the sockets on the other end of a loopback conversation, from the kernel's socket
 * tables ({@code /proc/net/udp}, {@code udp6}, {@code tcp}, {@code tcp6}). This is SO_PEERCRED for IP on
 * loopback: an unprivileged process cannot send from a port it has not bound (forging a source address
 * needs CAP_NET_RAW), so the owner of the socket bound to a datagram's source port is its sender.
 *
 * <p>Used to tell the gateway's own user from other local users (CoAP: who may act as the gateway over
 * plain CoAP; MQTT: whether the broker on the embedded port is one we may hand the inbox to). Every
 * matching socket counts: when several sockets share a port (SO_REUSEADDR), each owner is returned, and
 * callers trust the sender only when all of them are trusted. Off Linux (no {@code /proc}) nothing is
 * known and the sets are empty, so nobody is trusted by uid.
 *
 * <p>Reading the table costs the kernel time for every socket on the host (about 20 ms with 1000 UDP
 * sockets, measured here), and a hostile local user can open thousands: so one read answers every datagram
 * that had arrived before the read began ({@link #udpOwners(InetSocketAddress, long, LongSupplier)}). That is
 * as sound as a read per datagram (either way the table is read after the datagram came, and its sender's
 * socket is looked up as it is then), and under a flood the reads stay back to back instead of one per
 * datagram.
 */
public final class LoopbackSockets {
    private static final Path NET = Path.of("/proc/net");
    /** TCP state LISTEN as the kernel prints it (include/net/tcp_states.h). */
    private static final String TCP_LISTEN = "0A";
    private static final int SELF_UID = readSelfUid();

    private LoopbackSockets() {}

    /** The effective uid of this process, or -1 when unknown (no /proc). */
    public static int selfUid() {
        return SELF_UID;
    }

    /** True for this process's own user and for root (which can read our state directory anyway). */
    public static boolean isOwnerOrRoot(int uid) {
        return uid == 0 || (SELF_UID >= 0 && uid == SELF_UID);
    }

    /** True when every owner is this process's user or root, and there is at least one. */
    public static boolean allOwnersTrusted(Set<Integer> uids) {
        return !uids.isEmpty() && uids.stream().allMatch(LoopbackSockets::isOwnerOrRoot);
    }

    /**
     * Owners of the UDP sockets a datagram from {@code source} (a loopback address) can have come from:
     * those bound to its port on its address or on a wildcard address. Empty when {@code source} is not a
     * loopback address or nothing matches.
     */
    public static Set<Integer> udpOwners(InetSocketAddress source, long receivedAt, LongSupplier clock) {
        InetAddress a = source.getAddress();
        if (a == null || !a.isLoopbackAddress()) return Set.of();
        return owners(udpTable(receivedAt, clock), source.getPort(), a, null);
    }

    /**
     * A reading of the UDP tables that began after {@code receivedAt} (on {@code clock}); 0 (unknown) always
     * reads anew.
     */
    private static List<Socket> udpTable(long receivedAt, LongSupplier clock) {
        Reading r = udpReading;
        if (r != null && receivedAt != 0 && r.startedAt - receivedAt > 0) return r.sockets;
        synchronized (LoopbackSockets.class) {
            r = udpReading;
            if (r != null && receivedAt != 0 && r.startedAt - receivedAt > 0) return r.sockets;
            long startedAt = clock.getAsLong();
            r = new Reading(startedAt, read(List.of("udp", "udp6")));
            udpReading = r;
            return r.sockets;
        }
    }

    private record Reading(long startedAt, List<Socket> sockets) {}

    private static volatile Reading udpReading;

    /** Owners of the TCP sockets listening on {@code port} that a connection to 127.0.0.1 reaches. */
    public static Set<Integer> tcpListenerOwners(int port) {
        try {
            return owners(read(List.of("tcp", "tcp6")), port, InetAddress.getByName("127.0.0.1"), TCP_LISTEN);
        } catch (UnknownHostException e) {
            return Set.of();
        }
    }

    private static Set<Integer> owners(List<Socket> sockets, int port, InetAddress address, String state) {
        Set<Integer> uids = new HashSet<>();
        for (Socket s : sockets) {
            if (s.port != port) continue;
            if (state != null && !state.equals(s.state)) continue;
            if (reaches(s.address, address)) uids.add(s.uid);
        }
        return uids;
    }

    private static List<Socket> read(List<String> tables) {
        List<Socket> out = new ArrayList<>();
        for (String table : tables) {
            List<String> lines;
            try {
                lines = Files.readAllLines(NET.resolve(table), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                continue; // no such table (no IPv6, not Linux)
            }
            for (int i = 1; i < lines.size(); i++) {
                Socket s = parse(lines.get(i));
                if (s != null) out.add(s);
            }
        }
        return out;
    }

    record Socket(byte[] address, int port, String state, int uid) {}

    /** One row: {@code sl local_address rem_address st tx:rx tr:when retrnsmt uid ...}; null when malformed. */
    static Socket parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 8) return null;
        int colon = f[1].indexOf(':');
        if (colon < 0) return null;
        try {
            byte[] address = decodeAddress(f[1].substring(0, colon));
            int port = Integer.parseInt(f[1].substring(colon + 1), 16);
            int uid = Integer.parseInt(f[7]);
            return address == null ? null : new Socket(address, port, f[3], uid);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The kernel prints addresses as 32-bit words in host byte order, 8 hex digits each (one word for IPv4,
     * four for IPv6).
     */
    static byte[] decodeAddress(String hex) {
        if (hex.length() != 8 && hex.length() != 32) return null;
        byte[] out = new byte[hex.length() / 2];
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int w = 0; w < out.length / 4; w++) {
            long word = Long.parseLong(hex.substring(w * 8, w * 8 + 8), 16);
            for (int b = 0; b < 4; b++) {
                int shift = little ? 8 * b : 8 * (3 - b);
                out[w * 4 + b] = (byte) (word >>> shift);
            }
        }
        return out;
    }

    /** Whether a socket bound to {@code bound} receives what is sent to (or comes from) {@code peer}. */
    private static boolean reaches(byte[] bound, InetAddress peer) {
        byte[] p = peer.getAddress();
        if (Arrays.equals(bound, p)) return true;
        if (isZero(bound)) return true; // 0.0.0.0 or :: (a dual-stack socket)
        if (bound.length == 16 && peer instanceof Inet4Address) {
            // ::ffff:a.b.c.d, a v4 peer of a v6 socket
            for (int i = 0; i < 10; i++) if (bound[i] != 0) return false;
            return bound[10] == (byte) 0xff && bound[11] == (byte) 0xff
                    && Arrays.equals(Arrays.copyOfRange(bound, 12, 16), p);
        }
        return false;
    }

    private static boolean isZero(byte[] a) {
        for (byte b : a) if (b != 0) return false;
        return true;
    }

    private static int readSelfUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return -1;
    }
}
