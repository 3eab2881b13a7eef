package net.sovereignbridge.app.transport.satellite;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.sovereignbridge.drivers.satellite.ApiMessage;
import net.sovereignbridge.drivers.satellite.Gpg;
import net.sovereignbridge.drivers.satellite.MulticastReceiver;
import net.sovereignbridge.drivers.satellite.RealPeer;

/**
 * The sky side of the tests, all real parts: gpg encrypts (and signs) the encapsulated file, the python3-zfec
 * Blockstream sender FEC-codes and frames it, and the datagrams go to 239.0.0.2 on loopback, through an
 * impaired "air" (loss, reordering, duplicates, garbage).
 */
final class Uplink implements AutoCloseable {
    final Path dir;
    final Gpg gpg;
    private final MulticastSocket socket;
    private final InetAddress group;
    private final int port;
    private long sequence = 100;

    Uplink(Path dir, int port) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.gpg = new Gpg(dir);
        gpg.generate("Sender <sender@sat.test>");
        gpg.generate("Other <other@sat.test>");
        this.group = InetAddress.getByName(MulticastReceiver.DEFAULT_GROUP);
        this.port = port;
        this.socket = new MulticastSocket();
        socket.setNetworkInterface(NetworkInterface.getByName("lo"));
        socket.setTimeToLive(1);
    }

    /** Imports the gateway's public key (what {@code sbridge satellite key} prints) so gpg can encrypt to it. */
    void trust(byte[] armoredPublicKey) throws Exception {
        Path k = dir.resolve("recipient-" + System.nanoTime() + ".asc");
        Files.write(k, armoredPublicKey);
        gpg.run("--import", k.toString());
    }

    byte[] senderPublicKey() throws Exception {
        return gpg.run("--armor", "--export", "sender@sat.test");
    }

    /** gpg's ciphertext of the encapsulated file, signed by the sender key when {@code sign}. */
    byte[] encrypt(byte[] apiMessage, String recipient, boolean sign) throws Exception {
        Path in = dir.resolve("plain-" + System.nanoTime()), out = dir.resolve("cipher-" + System.nanoTime());
        Files.write(in, apiMessage);
        List<String> a = new ArrayList<>(List.of("--trust-model", "always", "--recipient", recipient, "--output", out.toString()));
        if (sign) a.addAll(List.of("--local-user", "sender@sat.test", "--sign"));
        a.addAll(List.of("--encrypt", in.toString()));
        gpg.run(a.toArray(String[]::new));
        byte[] c = Files.readAllBytes(out);
        Files.delete(in);
        Files.delete(out);
        return c;
    }

    byte[] encryptFile(String name, byte[] payload, String recipient, boolean sign) throws Exception {
        return encrypt(new ApiMessage(name, payload).encapsulate(), recipient, sign);
    }

    /** The python3-zfec sender's datagrams for {@code message} (overhead 0: plain fragments). */
    List<byte[]> frame(byte[] message, double overhead) throws Exception {
        Path f = dir.resolve("msg-" + sequence);
        Files.write(f, message);
        List<byte[]> grams = RealPeer.frame(dir, f, 1, sequence++, overhead);
        Files.delete(f);
        return grams;
    }

    /** Every tenth datagram lost (FEC must recover), the rest shuffled, a tenth of them sent twice. */
    static List<byte[]> impair(List<byte[]> grams, long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < grams.size(); i++) {
            if (i % 10 == 3) continue;
            out.add(grams.get(i));
            if (i % 10 == 6) out.add(grams.get(i));
        }
        java.util.Collections.shuffle(out, r);
        return out;
    }

    void send(List<byte[]> grams) throws IOException, InterruptedException {
        int n = 0;
        for (byte[] g : grams) {
            socket.send(new DatagramPacket(g, g.length, group, port));
            if (++n % 200 == 0) Thread.sleep(2); // the loopback's socket buffer is the only limit; stay below it
        }
    }

    void send(byte[] datagram) throws IOException {
        send(datagram, datagram.length);
    }

    void send(byte[] buffer, int length) throws IOException {
        socket.send(new DatagramPacket(buffer, length, group, port));
    }

    @Override
    public void close() throws Exception {
        socket.close();
        gpg.close();
    }
}
