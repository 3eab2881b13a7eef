package net.sovereignbridge.drivers.satellite;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Joins the API multicast group on one interface (dvb0_0 for a USB receiver, lo for a software radio,
 * the Ethernet port of a Novra S400) and turns datagrams into messages of the wanted channels. Bad
 * datagrams are counted and skipped; the loop ends only when closed.
 */
public final class MulticastReceiver implements AutoCloseable {
    public static final String DEFAULT_GROUP = "239.0.0.2";
    public static final int DEFAULT_PORT = 4433;

    private final DatagramChannel channel;
    private final MembershipKey membership;
    private final Reassembler reassembler;
    private final Set<Integer> channels;
    private final ReceiverStats stats;
    private final LongSupplier clock;

    public MulticastReceiver(String interfaceName, InetAddress group, int port, Set<Integer> channels, Reassembler reassembler,
                             ReceiverStats stats, LongSupplier clockMillis) throws IOException {
        NetworkInterface nif = NetworkInterface.getByName(interfaceName);
        if (nif == null) throw new IOException("network interface '" + interfaceName + "' does not exist");
        if (!group.isMulticastAddress()) throw new IOException(group.getHostAddress() + " is not a multicast group");
        this.channel = DatagramChannel.open(StandardProtocolFamily.INET)
                .setOption(StandardSocketOptions.SO_REUSEADDR, true)
                .setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20) // a burst at 1.09 Mbit/s while the decoder works
                .bind(new InetSocketAddress(port));
        this.membership = channel.join(group, nif);
        this.channels = Set.copyOf(channels);
        this.reassembler = reassembler;
        this.stats = stats;
        this.clock = clockMillis;
    }

    public int localPort() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** Receives until {@link #close()}; calls {@code onMessage} on this thread for each completed message. */
    public void run(Consumer<ReceivedMessage> onMessage, Consumer<String> onBadDatagram) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (channel.isOpen()) {
            buf.clear();
            try {
                channel.receive(buf);
            } catch (AsynchronousCloseException closed) {
                return;
            }
            stats.datagrams.increment();
            BlockstreamPacket p;
            try {
                p = BlockstreamPacket.parse(buf.array(), 0, buf.position());
            } catch (MalformedPacketException e) {
                stats.malformed.increment();
                onBadDatagram.accept(e.getMessage());
                continue;
            }
            if (!channels.contains(p.channel())) { stats.otherChannel.increment(); continue; }
            reassembler.accept(p, clock.getAsLong()).ifPresent(onMessage);
        }
    }

    @Override
    public void close() throws IOException {
        membership.drop();
        channel.close();
    }
}
