package net.sovereignbridge.app.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP relay between two daemons on loopback that keeps a copy of every datagram: the test's wiretap.
 * Datagrams from port {@code a} go to port {@code b} and the other way round, so each daemon sees the relay
 * as its peer and the whole conversation crosses it.
 */
final class UdpRecorder implements AutoCloseable {
    final List<byte[]> datagrams = new CopyOnWriteArrayList<>();
    private final DatagramSocket socket;
    private final Thread thread;

    UdpRecorder(int a, int b) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> {
            byte[] buf = new byte[65536];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] copy = java.util.Arrays.copyOf(p.getData(), p.getLength());
                    datagrams.add(copy);
                    int to = p.getPort() == a ? b : a;
                    socket.send(new DatagramPacket(copy, copy.length, InetAddress.getLoopbackAddress(), to));
                } catch (IOException e) {
                    return;
                }
            }
        }, "udp-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        socket.close();
    }
}
