package net.sovereignbridge.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.satellite.ApiMessage;
import net.sovereignbridge.drivers.satellite.BlockstreamPacket;
import net.sovereignbridge.drivers.satellite.Reassembler;
import net.sovereignbridge.drivers.satellite.ReceiverStats;
import net.sovereignbridge.drivers.satellite.ZfecCode;
import net.sovereignbridge.drivers.satellite.FecEncoder;
import net.sovereignbridge.drivers.satellite.OpenPgpKeys;
import net.sovereignbridge.drivers.satellite.OpenPgpReceiver;
import net.sovereignbridge.drivers.satellite.OpenPgpSender;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The satellite receive path without the socket and without OpenPGP: parse every datagram, reassemble,
 * zfec-decode, check the API header's CRC32. One 1 MiB message FEC-coded with the given overhead, 5 %
 * of each object's datagrams lost (data chunks, so parity must be decoded), the rest shuffled. Score is messages/s; multiply by
 * the datagram bytes for the rate to compare with the 1.09 Mbit/s downlink.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class SatelliteDecodeBenchmark {
    private static final int CHUNK = BlockstreamPacket.MAX_PAYLOAD - 8;

    @Param({"0.25", "0.1"})
    public double overhead;

    private List<byte[]> datagrams;
    public long datagramBytes;

    @Setup
    public void setup() {
        byte[] payload = new byte[1 << 20];
        new Random(1).nextBytes(payload);
        byte[] data = new ApiMessage("bench.bin", payload).encapsulate();
        int maxK = (int) Math.floor(256 / (1 + overhead));
        int objSize = maxK * CHUNK;
        int objects = (data.length + objSize - 1) / objSize;
        List<byte[]> fragments = new ArrayList<>();
        for (int o = 0; o < objects; o++) {
            int off = o * objSize, len = Math.min(objSize, data.length - off);
            int k = (len + CHUNK - 1) / CHUNK, n = Math.min(256, k + (int) Math.ceil(overhead * k));
            byte[][] primary = new byte[k][CHUNK];
            for (int i = 0; i < k; i++) System.arraycopy(data, off + i * CHUNK, primary[i], 0, Math.min(CHUNK, len - i * CHUNK));
            int lost = Math.min(n - k, (int) Math.round(0.05 * n)); // the lost datagrams are data chunks: parity must be decoded
            for (int id = lost; id < n; id++) {
                byte[] chunk = ZfecCode.forK(k).encode(primary, id);
                fragments.add(ByteBuffer.allocate(8 + CHUNK).put((byte) o).put((byte) objects).put((byte) id).putInt(len).put((byte) 0).put(chunk).array());
            }
        }
        Random r = new Random(2);
        Collections.shuffle(fragments, r);
        datagrams = new ArrayList<>();
        for (int i = 0; i < fragments.size(); i++) {
            datagrams.add(new BlockstreamPacket(i < fragments.size() - 1, 1, i, 0, fragments.get(i)).encode());
        }
        for (byte[] d : datagrams) datagramBytes += d.length;
    }

    /** The same message encrypted to a gateway key (our sender, gpg-compatible), for the whole path with OpenPGP. */
    private List<byte[]> encryptedDatagrams;
    private OpenPgpReceiver receiver;

    @Setup
    public void setupEncrypted() throws Exception {
        java.security.SecureRandom random = java.security.SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(3);
        PGPSecretKeyRing key = OpenPgpKeys.generate("bench <bench@sat.test>", random, new java.util.Date(0));
        receiver = new OpenPgpReceiver(new PGPSecretKeyRingCollection(List.of(key)), null, 2 << 20);
        byte[] payload = new byte[1 << 20];
        new Random(1).nextBytes(payload);
        byte[] cipher = OpenPgpSender.encrypt(new ApiMessage("bench.bin", payload).encapsulate(),
                OpenPgpKeys.encryptionKey(new org.bouncycastle.openpgp.PGPPublicKeyRingCollection(List.of(OpenPgpKeys.publicRing(key)))), random);
        List<byte[]> packets = FecEncoder.encode(cipher, overhead, new Random(2));
        encryptedDatagrams = new ArrayList<>();
        int lostEvery = 20; // 5 % of the datagrams lost, spread over all objects
        for (int i = 0; i < packets.size(); i++) {
            if (i % lostEvery == lostEvery - 1) continue;
            encryptedDatagrams.add(new BlockstreamPacket(i < packets.size() - 1, 1, i, 0, packets.get(i)).encode());
        }
    }

    /** Reassembly, FEC decoding, OpenPGP decryption with the integrity check, and the API header's CRC. */
    @Benchmark
    public String receiveAndDecryptOneMessage() throws Exception {
        Reassembler re = new Reassembler(Reassembler.DEFAULT_EXPIRY_MILLIS, Reassembler.DEFAULT_MAX_PENDING_BYTES, new ReceiverStats());
        for (byte[] d : encryptedDatagrams) {
            var got = re.accept(BlockstreamPacket.parse(d, 0, d.length), 0);
            if (got.isPresent()) {
                ApiMessage.Unwrapper unwrap = new ApiMessage.Unwrapper(java.io.OutputStream.nullOutputStream());
                receiver.decrypt(got.get().data(), unwrap);
                return unwrap.finish();
            }
        }
        throw new IllegalStateException("message not recovered");
    }

    @Benchmark
    public ApiMessage receiveOneMessage() throws Exception {
        Reassembler re = new Reassembler(Reassembler.DEFAULT_EXPIRY_MILLIS, Reassembler.DEFAULT_MAX_PENDING_BYTES, new ReceiverStats());
        for (byte[] d : datagrams) {
            var got = re.accept(BlockstreamPacket.parse(d, 0, d.length), 0);
            if (got.isPresent()) return ApiMessage.decapsulate(got.get().data());
        }
        throw new IllegalStateException("message not recovered");
    }
}
