package net.sovereignbridge.app.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.app.cli.StateDirOption;
import net.sovereignbridge.app.control.ControlClient;
import net.sovereignbridge.app.control.ControlServer;
import net.sovereignbridge.mesh.identity.StateDirectory;
import net.sovereignbridge.p2p.content.Cid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sbridge content add|get|ls|pin|unpin|gc}: the daemon's content store (docs/content.md, "CLI"). */
@Command(name = "content", description = "Files addressed by their IPFS CID, kept by the daemon",
        mixinStandardHelpOptions = true, subcommands = {ContentCommand.Add.class, ContentCommand.Get.class,
                ContentCommand.Ls.class, ContentCommand.Pin.class, ContentCommand.Unpin.class, ContentCommand.Gc.class})
public final class ContentCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The daemon's answer when ok; else prints why and returns null. */
    static Map<String, Object> ask(StateDirOption state, Map<String, Object> request, InputStream payload, long size) {
        try {
            Map<String, Object> a = payload == null ? ControlClient.call(state.resolve(), request)
                    : ControlClient.call(state.resolve(), request, payload, size);
            if (Boolean.TRUE.equals(a.get("ok"))) return a;
            System.err.println("sbridge: " + a.get("error"));
        } catch (IOException e) {
            System.err.println("sbridge: " + e.getMessage());
        }
        return null;
    }

    static Map<String, Object> request(String op, String cid) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", op);
        if (cid != null) r.put("cid", cid);
        return r;
    }

    /** Checks the CID's spelling before the daemon is asked; null when it is fine. */
    static String badCid(String cid) {
        try {
            Cid.parse(cid);
            return null;
        } catch (IllegalArgumentException e) {
            return "CID: " + e.getMessage();
        }
    }

    @Command(name = "add", description = "Chunk FILE into UnixFS blocks, store and pin them, print the root CIDv1.")
    static final class Add implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--json") boolean json;
        @Option(names = "--profile", defaultValue = "importer", description = "importer: 256 KiB chunks, 174 links"
                + " (ipfs-unixfs-importer defaults); helia: 1 MiB chunks, 1024 links (helia addFile)") String profile;
        @Parameters(paramLabel = "FILE") Path file;

        @Override
        public Integer call() {
            if (!List.of("importer", "helia").contains(profile)) {
                System.err.println("sbridge: --profile: '" + profile + "' is not one of importer, helia");
                return ExitCodes.CONFIG;
            }
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                System.err.println("sbridge: cannot read " + file + ": " + StateDirectory.reason(e));
                return ExitCodes.FAILED;
            }
            if (size > ControlServer.MAX_PAYLOAD) {
                System.err.println("sbridge: " + file + " is " + size + " bytes; content add takes files of at most "
                        + ControlServer.MAX_PAYLOAD + " bytes (the control channel's payload limit)");
                return ExitCodes.FAILED;
            }
            Map<String, Object> r = request("content-add", null);
            r.put("profile", profile);
            Map<String, Object> a;
            try (InputStream in = Files.newInputStream(file)) {
                a = ask(state, r, in, size);
            } catch (IOException e) {
                System.err.println("sbridge: cannot read " + file + ": " + StateDirectory.reason(e));
                return ExitCodes.FAILED;
            }
            if (a == null) return ExitCodes.FAILED;
            System.out.println(json ? Json.write(a) : a.get("cid"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", description = "Write the file under CID to --out FILE (or standard output); with --from,"
            + " fetch it by bitswap from that peer first (and pin it).")
    static final class Get implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--out", paramLabel = "FILE") Path out;
        @Option(names = "--from", paramLabel = "MULTIADDR", description = "a peer that has it: /ip4/../tcp/../p2p/PEERID") String from;
        @Parameters(paramLabel = "CID") String cid;

        @Override
        public Integer call() {
            String bad = badCid(cid);
            if (bad != null) {
                System.err.println("sbridge: " + bad);
                return ExitCodes.CONFIG;
            }
            if (from != null) {
                Map<String, Object> r = request("content-fetch", cid);
                r.put("from", from);
                Map<String, Object> f = ask(state, r, null, 0);
                if (f == null) return ExitCodes.FAILED;
                System.err.println("fetched " + f.get("blocks") + " blocks (" + f.get("bytes") + " bytes) from " + f.get("from"));
            }
            // written beside the target and moved in place when whole: a failed get leaves no partial file
            Path part = out == null ? null : out.resolveSibling(out.getFileName() + ".part");
            try (OutputStream sink = part == null ? System.out : Files.newOutputStream(part)) {
                long offset = 0;
                long size;
                do {
                    Map<String, Object> r = request("content-get", cid);
                    r.put("offset", offset);
                    r.put("length", (long) ContentService.MAX_GET_BYTES);
                    Map<String, Object> a = ask(state, r, null, 0);
                    if (a == null) {
                        if (part != null) Files.deleteIfExists(part);
                        return ExitCodes.FAILED;
                    }
                    size = (Long) a.get("size");
                    byte[] data = Base64.getDecoder().decode((String) a.get("data"));
                    if (data.length == 0 && offset < size) throw new IOException("the daemon sent no bytes at offset " + offset + " of " + size);
                    sink.write(data);
                    offset += data.length;
                } while (offset < size);
                sink.flush();
            } catch (IOException e) {
                System.err.println("sbridge: cannot write " + (out == null ? "standard output" : part) + ": " + StateDirectory.reason(e));
                try {
                    if (part != null) Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // the write error is the one to report
                }
                return ExitCodes.FAILED;
            }
            if (part != null) {
                try {
                    Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    System.err.println("sbridge: cannot move " + part + " to " + out + ": " + StateDirectory.reason(e));
                    return ExitCodes.FAILED;
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "ls", description = "The pinned files and what the store holds.")
    static final class Ls implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--json") boolean json;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            Map<String, Object> a = ask(state, request("content-ls", null), null, 0);
            if (a == null) return ExitCodes.FAILED;
            if (json) {
                System.out.println(Json.write(a));
                return ExitCodes.OK;
            }
            for (Object o : (List<Object>) a.get("pins")) {
                Map<String, Object> p = (Map<String, Object>) o;
                System.out.println(p.get("cid") + "  " + p.get("size") + " bytes  pinned " + p.get("pinnedAt"));
            }
            System.out.println(a.get("blocks") + " blocks, " + a.get("bytes") + " of " + a.get("quotaBytes") + " bytes");
            return ExitCodes.OK;
        }
    }

    @Command(name = "pin", description = "Pin CID and everything below it (all its blocks must be here).")
    static final class Pin implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Parameters(paramLabel = "CID") String cid;

        @Override
        public Integer call() {
            return simple(state, "content-pin", cid, "pinned ");
        }
    }

    @Command(name = "unpin", description = "Unpin CID; its blocks go at the next gc unless another pin holds them.")
    static final class Unpin implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Parameters(paramLabel = "CID") String cid;

        @Override
        public Integer call() {
            return simple(state, "content-unpin", cid, "unpinned ");
        }
    }

    private static int simple(StateDirOption state, String op, String cid, String done) {
        String bad = badCid(cid);
        if (bad != null) {
            System.err.println("sbridge: " + bad);
            return ExitCodes.CONFIG;
        }
        Map<String, Object> a = ask(state, request(op, cid), null, 0);
        if (a == null) return ExitCodes.FAILED;
        System.out.println(done + a.get("cid"));
        return ExitCodes.OK;
    }

    @Command(name = "gc", description = "Remove every block no pin reaches.")
    static final class Gc implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            Map<String, Object> a = ask(state, request("content-gc", null), null, 0);
            if (a == null) return ExitCodes.FAILED;
            System.out.println(json ? Json.write(a) : "removed " + a.get("removedBlocks") + " blocks, " + a.get("removedBytes") + " bytes");
            return ExitCodes.OK;
        }
    }
}
