package net.sovereignbridge.drivers.satellite;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The sender's FEC step, as Blockstream's sender does it with zfec (layout in docs/satellite.md): the data cut
 * into objects of at most floor(256 / (1 + overhead)) chunks of 1456 bytes, each object coded with k data and
 * ceil(overhead * k) parity chunks, every chunk behind its 8-byte FEC header, all packets of all objects
 * shuffled. Each packet is exactly one Blockstream fragment (1464 bytes).
 */
public final class FecEncoder {
    public static final int PACKET_LEN = FecAssembly.HEADER_LEN + FecAssembly.CHUNK_SIZE;
    /** The overhead Blockstream's sender uses unless told otherwise. */
    public static final double DEFAULT_OVERHEAD = 0.1;

    private FecEncoder() {}

    public static List<byte[]> encode(byte[] data, double overhead, Random shuffle) {
        if (!(overhead > 0) || overhead > 10) throw new IllegalArgumentException("FEC overhead " + overhead + " not in (0, 10]");
        int chunk = FecAssembly.CHUNK_SIZE;
        int maxK = (int) Math.floor(ZfecCode.MAX_CHUNKS / (1 + overhead));
        if (maxK < 1) throw new IllegalArgumentException("FEC overhead " + overhead + " leaves no room for data chunks");
        long objectSize = (long) maxK * chunk;
        int objects = (int) Math.max(1, (data.length + objectSize - 1) / objectSize);
        if (objects > 255) throw new IllegalArgumentException(data.length + " bytes need " + objects + " FEC objects; at most 255");
        List<byte[]> packets = new ArrayList<>();
        for (int o = 0; o < objects; o++) {
            int start = (int) (o * objectSize);
            int len = (int) Math.min(objectSize, data.length - (long) start);
            if (len == 0) throw new IllegalArgumentException("nothing to encode: an empty message");
            int k = (len + chunk - 1) / chunk;
            int n = Math.min(ZfecCode.MAX_CHUNKS, k + (int) Math.ceil(overhead * k));
            byte[][] primary = new byte[k][chunk];
            for (int i = 0; i < k; i++) System.arraycopy(data, start + i * chunk, primary[i], 0, Math.min(chunk, len - i * chunk));
            ZfecCode code = ZfecCode.forK(k);
            for (int id = 0; id < n; id++) {
                packets.add(ByteBuffer.allocate(PACKET_LEN).put((byte) o).put((byte) objects).put((byte) id).putInt(len).put((byte) 0)
                        .put(code.encode(primary, id)).array());
            }
        }
        Collections.shuffle(packets, shuffle);
        return packets;
    }
}
