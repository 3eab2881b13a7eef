package net.sovereignbridge.app.cli;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import net.sovereignbridge.app.control.ControlClient;
import net.sovereignbridge.mesh.identity.IdentityFile;
import net.sovereignbridge.mesh.identity.IdentityFileException;
import net.sovereignbridge.mesh.identity.PublicIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "identity", description = "Show this node's address, did:key and PeerId (creating the key if missing).")
public final class IdentityCommand implements Callable<Integer> {
    @Mixin
    StateDirOption state;

    @Option(names = "--json", description = "print JSON with keys address, did, peerId")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> running = runningDaemonsIdentity();
        if (running != null) {
            for (String k : new String[] {"address", "did", "peerId"}) m.put(k, running.get(k));
        } else {
            // No daemon: the key file decides. Creation is exclusive, so a daemon starting at this moment
            // either created the key first (and we load it) or will load ours.
            PublicIdentity id;
            try {
                id = IdentityFile.loadOrCreate(state.resolve(), new SecureRandom()).publicIdentity();
            } catch (IdentityFileException e) {
                System.err.println("sbridge: " + e.getMessage());
                return ExitCodes.IDENTITY;
            }
            m.put("address", id.address().toHex());
            m.put("did", id.did());
            m.put("peerId", id.peerId());
        }
        if (json) {
            System.out.println(Json.write(m));
        } else {
            System.out.println("address " + m.get("address"));
            System.out.println("did     " + m.get("did"));
            System.out.println("peerId  " + m.get("peerId"));
        }
        return ExitCodes.OK;
    }

    /** The identity a daemon on this state directory runs under, or null when none answers. */
    private Map<String, Object> runningDaemonsIdentity() {
        try {
            Map<String, Object> a = ControlClient.call(state.resolve(), Map.of("op", "identity"));
            return Boolean.TRUE.equals(a.get("ok")) && a.get("address") instanceof String ? a : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
