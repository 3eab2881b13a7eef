package net.sovereignbridge.app.dht;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.cli.ExitCodes;
import net.sovereignbridge.app.cli.Json;
import net.sovereignbridge.app.cli.StateDirOption;
import net.sovereignbridge.app.control.ControlClient;
import net.sovereignbridge.mesh.identity.IdentifierFormatException;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.p2p.dht.MeshBridges;
import net.sovereignbridge.p2p.dht.RegionKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sbridge dht put|get|provide|providers|find-peer|bridges|status}: DHT operations run by the
 * daemon over the control channel, like {@code sbridge send}.
 *
 * <p>KEY spellings: {@code region:GEOHASH} (the region rendezvous key), {@code mesh:ADDRESS} (the
 * overlay-bridge key of a mesh address), {@code hex:HEX} (any bytes), anything else is the key's text
 * (e.g. {@code /sbridge/node/12D3KooW...}).
 */
final class DhtDaemonCommands {
    private DhtDaemonCommands() {}

    static final String KEY_HELP = "region:GEOHASH, mesh:ADDRESS, hex:HEX, or the key's text (/sbridge/node/<PeerId>)";

    /** The key's bytes; IllegalArgumentException names what is wrong. */
    static byte[] parseKey(String spec) {
        if (spec.startsWith("region:")) return RegionKeys.providerKey(spec.substring(7));
        if (spec.startsWith("mesh:")) {
            try {
                return MeshBridges.providerKey(MeshAddress.parse(spec.substring(5)));
            } catch (IdentifierFormatException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        if (spec.startsWith("hex:")) {
            try {
                return HexFormat.of().parseHex(spec.substring(4));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + spec + "': not hex (an even number of digits 0-9, a-f)");
            }
        }
        if (spec.isEmpty()) throw new IllegalArgumentException("empty key");
        return spec.getBytes(StandardCharsets.UTF_8);
    }

    /** Sends the request; prints the answer as JSON or through {@code text}; exit 1 when the daemon says no. */
    static int ask(StateDirOption state, Map<String, Object> request, boolean json,
            java.util.function.Consumer<Map<String, Object>> text) {
        Map<String, Object> answer;
        try {
            answer = ControlClient.call(state.resolve(), request);
        } catch (IOException e) {
            System.err.println("sbridge: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        boolean ok = Boolean.TRUE.equals(answer.get("ok"));
        if (json) {
            System.out.println(Json.write(answer));
        } else if (ok) {
            text.accept(answer);
        } else {
            System.err.println("sbridge: " + answer.get("error"));
        }
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static Map<String, Object> request(String op) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", op);
        return r;
    }

    private static Integer keyed(String op, String key, StateDirOption state, boolean json, Map<String, Object> extra,
            java.util.function.Consumer<Map<String, Object>> text) {
        byte[] k;
        try {
            k = parseKey(key);
        } catch (IllegalArgumentException e) {
            System.err.println("sbridge: KEY: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        Map<String, Object> r = request(op);
        r.put("key", HexFormat.of().formatHex(k));
        r.putAll(extra);
        return ask(state, r, json, text);
    }

    @SuppressWarnings("unchecked")
    private static void printPeers(List<Object> peers) {
        for (Object o : peers) {
            Map<String, Object> p = (Map<String, Object>) o;
            System.out.println(p.get("peerId") + "  " + String.join(" ", (List<String>) p.get("addrs")));
        }
    }

    @Command(name = "put", description = "Store a signed record on the DHT through the daemon: a value already"
            + " signed by its owner (KEY and --value/--value-file), or --profile FILE, a profile blob the daemon"
            + " signs under its own did:key.")
    static final class Put implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--json") boolean json;
        @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = KEY_HELP) String key;
        @Option(names = "--value", paramLabel = "HEX", description = "the signed record, hex") String valueHex;
        @Option(names = "--value-file", paramLabel = "FILE", description = "the signed record, raw bytes") Path valueFile;
        @Option(names = "--profile", paramLabel = "FILE", description = "encrypted profile blob (at most 8 KiB)") Path profile;

        @Override
        public Integer call() {
            Map<String, Object> r = request("dht-put");
            try {
                if (profile != null) {
                    if (key != null || valueHex != null || valueFile != null) {
                        System.err.println("sbridge: --profile takes no KEY, --value or --value-file");
                        return ExitCodes.CONFIG;
                    }
                    r.put("profile", HexFormat.of().formatHex(Files.readAllBytes(profile)));
                    return ask(state, r, json, a -> System.out.println("put " + a.get("key") + " on " + a.get("stored") + " peers"));
                }
                if (key == null || (valueHex == null) == (valueFile == null)) {
                    System.err.println("sbridge: give KEY and one of --value HEX or --value-file FILE (or --profile FILE)");
                    return ExitCodes.CONFIG;
                }
                String hex = valueFile != null ? HexFormat.of().formatHex(Files.readAllBytes(valueFile)) : valueHex;
                try {
                    HexFormat.of().parseHex(hex);
                } catch (IllegalArgumentException e) {
                    System.err.println("sbridge: --value is not hex");
                    return ExitCodes.CONFIG;
                }
                return keyed("dht-put", key, state, json, Map.of("value", hex),
                        a -> System.out.println("put " + a.get("key") + " on " + a.get("stored") + " peers"));
            } catch (IOException e) {
                System.err.println("sbridge: cannot read " + (profile != null ? profile : valueFile) + ": " + e.getMessage());
                return ExitCodes.CONFIG;
            }
        }
    }

    @Command(name = "get", description = "Look a record up (GET_VALUE with a quorum) and print it, checked.")
    static final class Get implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--json") boolean json;
        @Option(names = "--quorum", defaultValue = "1", description = "valid values to collect (1..20)") int quorum;
        @Parameters(index = "0", paramLabel = "KEY", description = KEY_HELP) String key;

        @Override
        public Integer call() {
            if (quorum < 1 || quorum > 20) {
                System.err.println("sbridge: --quorum: " + quorum + " is out of range 1..20");
                return ExitCodes.CONFIG;
            }
            return keyed("dht-get", key, state, json, Map.of("quorum", quorum), a -> {
                System.out.println(a.get("key"));
                System.out.println("  record " + Json.write(a.get("record")));
                System.out.println("  value  " + a.get("value"));
            });
        }
    }

    @Command(name = "provide", description = "Announce this daemon as a provider of KEY (republished every 22 h).")
    static final class Provide implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--json") boolean json;
        @Parameters(index = "0", paramLabel = "KEY", description = KEY_HELP) String key;

        @Override
        public Integer call() {
            return keyed("dht-provide", key, state, json, Map.of(),
                    a -> System.out.println("providing " + a.get("key") + " (told " + a.get("told") + " peers)"));
        }
    }

    @Command(name = "providers", description = "Find the providers of KEY (GET_PROVIDERS).")
    static final class Providers implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--json") boolean json;
        @Option(names = "--max", defaultValue = "20", description = "stop after this many (1..100)") int max;
        @Option(names = "--public", description = "ask the public libp2p DHT (/ipfs/kad/1.0.0; needs dht.public-bootstrap)")
        boolean publicDht;
        @Parameters(index = "0", paramLabel = "KEY", description = KEY_HELP) String key;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            if (max < 1 || max > 100) {
                System.err.println("sbridge: --max: " + max + " is out of range 1..100");
                return ExitCodes.CONFIG;
            }
            return keyed("dht-providers", key, state, json, Map.of("max", max, "public", publicDht),
                    a -> printPeers((List<Object>) a.get("providers")));
        }
    }

    @Command(name = "find-peer", description = "Find a peer's addresses by its PeerId (FIND_NODE).")
    static final class FindPeer implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--json") boolean json;
        @Parameters(index = "0", paramLabel = "PEERID") String peerId;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            Map<String, Object> r = request("dht-find-peer");
            r.put("peerId", peerId);
            return ask(state, r, json, a -> printPeers(List.of(a)));
        }
    }

    @Command(name = "bridges", description = "Which bridges reach a mesh address over the internet (the overlay-bridge"
            + " tier's lookup; answers checked against each bridge's signed contact record).")
    static final class Bridges implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--json") boolean json;
        @Parameters(index = "0", paramLabel = "ADDRESS", description = "mesh address (32 hex characters)") String address;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            try {
                MeshAddress.parse(address);
            } catch (IdentifierFormatException e) {
                System.err.println("sbridge: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
            Map<String, Object> r = request("dht-bridges");
            r.put("address", address);
            return ask(state, r, json, a -> printPeers((List<Object>) a.get("bridges")));
        }
    }

    @Command(name = "status", description = "The daemon's DHT: mode, routing table, join state, counters.")
    static final class Status implements Callable<Integer> {
        @Mixin StateDirOption state;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            return ask(state, request("dht-status"), json, a -> a.forEach((k, v) -> {
                if (!"ok".equals(k)) System.out.println(k + " " + (v instanceof String s ? s : Json.write(v)));
            }));
        }
    }
}
