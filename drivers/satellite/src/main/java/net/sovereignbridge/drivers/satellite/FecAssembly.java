package net.sovereignbridge.drivers.satellite;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Collects the FEC packets of one message (8-byte header: object id, object count, chunk id, object
 * length u32 big-endian, reserved; then a 1456-byte chunk) and decodes as soon as every object has k
 * distinct chunks, before the last fragment arrives. The header carries no message id, so a message is
 * treated as FEC-coded only while every fragment so far has a consistent header; one inconsistent
 * fragment marks the message as plain.
 */
final class FecAssembly {
    static final int HEADER_LEN = 8;
    static final int CHUNK_SIZE = BlockstreamPacket.MAX_PAYLOAD - HEADER_LEN;

    private boolean plain;
    private int objectCount = -1;
    private long[] objectLength;
    private byte[][][] chunksByObject; // [object][chunk id] -> whole fragment (header + chunk)
    private int[] chunkCount;
    private int objectsReady;

    /** Feeds one fragment payload; returns the decoded message once every object can be decoded. */
    Optional<byte[]> add(byte[] fragment) {
        if (plain) return Optional.empty();
        if (fragment.length != HEADER_LEN + CHUNK_SIZE) { plain = true; return Optional.empty(); }
        ByteBuffer b = ByteBuffer.wrap(fragment);
        int objectId = b.get() & 0xFF;
        int count = b.get() & 0xFF;
        int chunkId = b.get() & 0xFF;
        long length = b.getInt() & 0xFFFF_FFFFL;
        int reserved = b.get() & 0xFF;
        if (objectCount < 0) {
            if (count == 0) { plain = true; return Optional.empty(); }
            objectCount = count;
            objectLength = new long[count];
            chunksByObject = new byte[count][][];
            chunkCount = new int[count];
        }
        long k = (length + CHUNK_SIZE - 1) / CHUNK_SIZE;
        if (reserved != 0 || count != objectCount || objectId >= count || length == 0 || k > ZfecCode.MAX_CHUNKS
                || (objectLength[objectId] != 0 && objectLength[objectId] != length)) {
            release();
            return Optional.empty();
        }
        if (objectLength[objectId] == 0) {
            objectLength[objectId] = length;
            chunksByObject[objectId] = new byte[ZfecCode.MAX_CHUNKS][];
        }
        byte[][] chunks = chunksByObject[objectId];
        if (chunks[chunkId] != null || chunkCount[objectId] >= k) return Optional.empty(); // enough already
        chunks[chunkId] = fragment; // shared with the plain fragment list: no second copy while waiting
        if (++chunkCount[objectId] == k) objectsReady++;
        if (objectsReady < objectCount) return Optional.empty();
        return Optional.of(decodeAll());
    }

    boolean isPlain() {
        return plain;
    }

    private void release() {
        plain = true;
        chunksByObject = null;
    }

    private byte[] decodeAll() {
        long total = 0;
        for (long l : objectLength) total += l;
        if (total > Integer.MAX_VALUE - 8) throw new IllegalStateException("FEC message of " + total + " bytes");
        // written straight into an array of the exact size: a large message is not held a second and third time
        // by a growing buffer and its final copy
        byte[] out = new byte[(int) total];
        int at = 0;
        for (int o = 0; o < objectCount; o++) {
            int k = (int) ((objectLength[o] + CHUNK_SIZE - 1) / CHUNK_SIZE);
            int[] ids = new int[k];
            byte[][] chunks = new byte[k][];
            int n = 0;
            for (int id = 0; id < ZfecCode.MAX_CHUNKS && n < k; id++) {
                if (chunksByObject[o][id] != null) { ids[n] = id; chunks[n] = java.util.Arrays.copyOfRange(chunksByObject[o][id], HEADER_LEN, HEADER_LEN + CHUNK_SIZE); n++; }
            }
            byte[][] primary = ZfecCode.forK(k).decode(ids, chunks);
            long remaining = objectLength[o];
            for (byte[] p : primary) {
                int take = (int) Math.min(p.length, remaining);
                System.arraycopy(p, 0, out, at, take);
                at += take;
                remaining -= take;
            }
            chunksByObject[o] = null;
        }
        chunksByObject = null;
        return out;
    }
}
