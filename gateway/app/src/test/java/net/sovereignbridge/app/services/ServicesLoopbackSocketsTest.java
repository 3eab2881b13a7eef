package net.sovereignbridge.app.services;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteOrder;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Socket owners from the kernel's tables, against real sockets of this user and of another one. */
class ServicesLoopbackSocketsTest {

    @Test
    void rowsAndAddressesAsTheKernelPrintsThem() {
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        assertArrayEquals(new byte[] {127, 0, 0, 1}, LoopbackSockets.decodeAddress(little ? "0100007F" : "7F000001"));
        byte[] v6 = LoopbackSockets.decodeAddress(little ? "00000000000000000000000001000000"
                : "00000000000000000000000000000001");
        assertEquals(1, v6[15]);
        var row = LoopbackSockets.parse(" 7207: " + (little ? "0100007F" : "7F000001")
                + ":938E 00000000:0000 07 00000000:00000000 00:00000000 00000000   102        0 75181 2 0 0");
        assertEquals(0x938E, row.port());
        assertEquals(102, row.uid());
        assertNull(LoopbackSockets.parse("  sl  local_address rem_address   st"), "the header is no row");
        assertNull(LoopbackSockets.parse("garbage"));
    }

    @Test
    void ownSocketsAreOursAndAnotherUsersAreNot() throws Exception {
        assertEquals(0, LoopbackSockets.selfUid(), "the tests run as root");
        try (DatagramSocket mine = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress from = new InetSocketAddress("127.0.0.1", mine.getLocalPort());
            // a reading that began before "now" must not be used for a datagram received now
            Set<Integer> owners = LoopbackSockets.udpOwners(from, System.nanoTime(), System::nanoTime);
            assertEquals(Set.of(0), owners);
            assertTrue(LoopbackSockets.allOwnersTrusted(owners));
            assertEquals(Set.of(0), LoopbackSockets.tcpListenerOwners(listener.getLocalPort()));
        }
        int port = LocalTools.freeUdpPort();
        // the stranger's coap-client binds that port (-p) and waits for an answer that never comes
        int silent = LocalTools.freeUdpPort();
        try (LocalTools.Background stranger = new LocalTools.Background(LocalTools.asStranger(LocalTools.coapClient(),
                "-p", Integer.toString(port), "-B", "20", "-m", "get", "coap://127.0.0.1:" + silent + "/x"))) {
            InetSocketAddress from = new InetSocketAddress("127.0.0.1", port);
            LocalTools.await("the stranger's socket", 10,
                    () -> !LoopbackSockets.udpOwners(from, System.nanoTime(), System::nanoTime).isEmpty());
            Set<Integer> owners = LoopbackSockets.udpOwners(from, System.nanoTime(), System::nanoTime);
            assertEquals(Set.of(LocalTools.STRANGER_UID), owners);
            assertFalse(LoopbackSockets.allOwnersTrusted(owners));
        }
        assertFalse(LoopbackSockets.allOwnersTrusted(Set.of()), "an unknown sender is not trusted");
        assertEquals(Set.of(), LoopbackSockets.udpOwners(new InetSocketAddress("192.0.2.1", 5683), 1, System::nanoTime),
                "only loopback senders are looked up");
    }
}
