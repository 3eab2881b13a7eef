package net.sovereignbridge.app.transport.satellite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Digests (SHA-256 of file name and content) of the messages already taken from the downlink, kept in a file
 * so that a message the carousel repeats, or the same upload paid for twice, is taken once, also across
 * restarts. Append-only, 32 bytes a record, synced; bounded to the newest {@code capacity} digests (the file
 * is rewritten to them when it holds twice as many).
 */
public final class ReceivedLedger {
    static final int DIGEST_LEN = 32;

    private final Path file;
    private final int capacity;
    private final ArrayDeque<String> order = new ArrayDeque<>();
    private final Set<String> seen = new HashSet<>();
    private FileChannel out;
    private long records;

    public ReceivedLedger(Path file, int capacity) throws IOException {
        this.file = file;
        this.capacity = capacity;
        if (Files.exists(file)) {
            byte[] all = Files.readAllBytes(file);
            int whole = all.length / DIGEST_LEN; // a torn last record (crash mid-write) is ignored
            for (int i = 0; i < whole; i++) remember(HexFormat.of().formatHex(all, i * DIGEST_LEN, (i + 1) * DIGEST_LEN));
            records = whole;
            if (all.length % DIGEST_LEN != 0 || records > 2L * capacity) compact();
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    synchronized boolean contains(byte[] digest) {
        return seen.contains(HexFormat.of().formatHex(digest));
    }

    public synchronized int size() {
        return seen.size();
    }

    /** Records a digest durably; returns false when it was there already. */
    synchronized boolean add(byte[] digest) throws IOException {
        String hex = HexFormat.of().formatHex(digest);
        if (seen.contains(hex)) return false;
        out.write(ByteBuffer.wrap(digest));
        out.force(false);
        remember(hex);
        if (++records > 2L * capacity) {
            out.close();
            compact();
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        return true;
    }

    private void remember(String hex) {
        if (!seen.add(hex)) return;
        order.addLast(hex);
        while (order.size() > capacity) seen.remove(order.removeFirst());
    }

    private void compact() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ByteBuffer b = ByteBuffer.allocate(order.size() * DIGEST_LEN);
        for (String hex : order) b.put(HexFormat.of().parseHex(hex));
        b.flip();
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (b.hasRemaining()) c.write(b);
            c.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        records = order.size();
    }

    public synchronized void close() throws IOException {
        out.close();
    }
}
