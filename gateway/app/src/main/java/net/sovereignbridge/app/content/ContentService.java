package net.sovereignbridge.app.content;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sovereignbridge.app.control.ControlServer;
import net.sovereignbridge.app.overlay.DatabaseStore;
import net.sovereignbridge.mesh.store.Database;
import java.time.Duration;
import net.sovereignbridge.p2p.bitswap.Bitswap;
import net.sovereignbridge.p2p.content.BlockStore;
import net.sovereignbridge.p2p.host.Host;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.content.Cid;
import net.sovereignbridge.p2p.content.UnixFsExporter;
import net.sovereignbridge.p2p.content.UnixFsImporter;

/**
 * The daemon's content store, bitswap on the overlay host, and the control operations
 * {@code content-add|get|fetch|ls|pin|unpin|gc}
 * (docs/content.md, "CLI"). A file arrives whole as the request's payload (at most the control channel's
 * 32 MiB) and leaves in ranges of at most {@link #MAX_GET_BYTES}, so neither side holds a large file
 * as one JSON line.
 */
public final class ContentService {
    /** The most file bytes one content-get answers (base64 in one JSON line: 4/3 of this). */
    public static final int MAX_GET_BYTES = 4 << 20;
    /** The most pins content-ls lists. */
    static final int MAX_LIST = 10_000;

    /** How long a fetch waits for the next block from its peer. */
    static final Duration FETCH_IDLE = Duration.ofSeconds(30);

    private final BlockStore store;
    private final UnixFsExporter exporter;
    private final Host host;
    private final Bitswap bitswap;

    private ContentService(BlockStore store, Host host) {
        this.store = store;
        this.exporter = new UnixFsExporter(store::get);
        this.host = host;
        this.bitswap = host == null ? null : new Bitswap(store, Bitswap.Limits.defaults());
        if (bitswap != null) bitswap.attach(host);
    }

    /** @param host the overlay host bitswap serves on, or null when the overlay is off or unavailable */
    public static ContentService start(ContentSettings settings, Database db, Host host) throws SQLException {
        return new ContentService(new BlockStore(new DatabaseStore(db), settings.quotaBytes()), host);
    }

    public BlockStore store() {
        return store;
    }

    public Map<String, Object> handle(String op, Map<String, Object> request) throws IOException {
        return switch (op) {
            case "content-add" -> add(request);
            case "content-get" -> get(request);
            case "content-ls" -> list();
            case "content-fetch" -> fetch(request);
            case "content-pin" -> {
                Cid cid = cid(request);
                store.pin(cid);
                Map<String, Object> out = ControlServer.ok();
                out.put("cid", cid.toString());
                yield out;
            }
            case "content-unpin" -> {
                Cid cid = cid(request);
                if (!store.unpin(cid)) throw new IllegalArgumentException(cid + " is not pinned");
                Map<String, Object> out = ControlServer.ok();
                out.put("cid", cid.toString());
                yield out;
            }
            case "content-gc" -> {
                BlockStore.GcResult r = store.gc();
                Map<String, Object> out = ControlServer.ok();
                out.put("removedBlocks", r.blocks());
                out.put("removedBytes", r.bytes());
                yield out;
            }
            default -> throw new IllegalArgumentException("unknown op '" + op + "'");
        };
    }

    private Map<String, Object> add(Map<String, Object> request) throws IOException {
        if (!(request.get("payload") instanceof byte[] file)) {
            throw new IllegalArgumentException("content-add needs the file as the request's payload");
        }
        Object profile = request.getOrDefault("profile", "importer");
        UnixFsImporter.Options options = switch (String.valueOf(profile)) {
            case "importer" -> UnixFsImporter.IMPORTER_DEFAULTS;
            case "helia" -> UnixFsImporter.HELIA_ADD_FILE;
            default -> throw new IllegalArgumentException("profile '" + profile + "' is not one of importer, helia");
        };
        long before = store.usage().blocks();
        Cid root = store.addFile(new ByteArrayInputStream(file), options);
        Map<String, Object> out = ControlServer.ok();
        out.put("cid", root.toString());
        out.put("bytes", (long) file.length);
        out.put("newBlocks", store.usage().blocks() - before);
        return out;
    }

    private Map<String, Object> get(Map<String, Object> request) throws IOException {
        Cid cid = cid(request);
        long offset = request.get("offset") instanceof Long l ? l : 0;
        long length = request.get("length") instanceof Long l ? l : MAX_GET_BYTES;
        if (offset < 0) throw new IllegalArgumentException("offset " + offset + " is negative");
        if (length < 0 || length > MAX_GET_BYTES) throw new IllegalArgumentException("length " + length + " is not in 0.." + MAX_GET_BYTES);
        long size = exporter.size(cid);
        ByteArrayOutputStream data = new ByteArrayOutputStream((int) Math.min(length, Math.max(0, size - offset)));
        exporter.read(cid, offset, length, data);
        Map<String, Object> out = ControlServer.ok();
        out.put("cid", cid.toString());
        out.put("size", size);
        out.put("offset", offset);
        out.put("data", Base64.getEncoder().encodeToString(data.toByteArray()));
        return out;
    }

    /** Fetches a DAG by bitswap from the peer at {@code from} (a multiaddr ending in /p2p/PEERID) and pins it. */
    private Map<String, Object> fetch(Map<String, Object> request) throws IOException {
        Cid cid = cid(request);
        if (bitswap == null) throw new IllegalArgumentException("content-fetch needs the overlay, which is off or unavailable on this daemon");
        if (!(request.get("from") instanceof String from)) throw new IllegalArgumentException("content-fetch needs 'from', a multiaddr ending in /p2p/PEERID");
        Multiaddr addr;
        try {
            addr = Multiaddr.parse(from);
        } catch (MultiaddrException e) {
            throw new IllegalArgumentException("from: " + e.getMessage());
        }
        if (addr.components().stream().noneMatch(c -> c.protocol() == Multiaddr.Protocol.P2P)) {
            throw new IllegalArgumentException("from: '" + from + "' has no /p2p/PEERID part");
        }
        String peer = net.sovereignbridge.mesh.encoding.Base58.encode(addr.first(Multiaddr.Protocol.P2P).value());
        host.dial(addr);
        Bitswap.Fetched f = bitswap.fetch(peer, cid, FETCH_IDLE);
        Map<String, Object> out = ControlServer.ok();
        out.put("cid", cid.toString());
        out.put("from", peer);
        out.put("blocks", f.blocks());
        out.put("bytes", f.bytes());
        out.put("alreadyHere", f.alreadyHere());
        return out;
    }

    private Map<String, Object> list() throws IOException {
        List<Object> pins = new ArrayList<>();
        for (BlockStore.Pin p : store.pins()) {
            if (pins.size() == MAX_LIST) break;
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("cid", p.root().toString());
            long size;
            try {
                size = exporter.size(p.root());
            } catch (IOException e) {
                size = -1; // damaged root: listed, its size unknown
            }
            j.put("size", size);
            j.put("pinnedAt", Instant.ofEpochMilli(p.pinnedMs()).toString());
            pins.add(j);
        }
        BlockStore.Usage u = store.usage();
        Map<String, Object> out = ControlServer.ok();
        out.put("pins", pins);
        out.put("blocks", u.blocks());
        out.put("bytes", u.bytes());
        out.put("quotaBytes", u.quotaBytes());
        return out;
    }

    private static Cid cid(Map<String, Object> request) {
        if (!(request.get("cid") instanceof String text)) throw new IllegalArgumentException("the request needs a string field 'cid'");
        return Cid.parse(text);
    }

    /** For status: what the store holds. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        BlockStore.Usage u;
        try {
            u = store.usage();
        } catch (IOException e) {
            out.put("error", e.getMessage());
            return out;
        }
        out.put("blocks", u.blocks());
        out.put("bytes", u.bytes());
        out.put("quotaBytes", u.quotaBytes());
        out.put("pins", u.pins());
        if (bitswap != null) out.put("bitswap", bitswap.counters().toMap());
        return out;
    }
}
