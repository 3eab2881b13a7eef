package net.sovereignbridge.app.cli;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
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
        PublicIdentity id;
        try {
            id = IdentityFile.loadOrCreate(state.resolve(), new SecureRandom()).publicIdentity();
        } catch (IdentityFileException e) {
            System.err.println("sbridge: " + e.getMessage());
            return ExitCodes.IDENTITY;
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("address", id.address().toHex());
            m.put("did", id.did());
            m.put("peerId", id.peerId());
            System.out.println(Json.write(m));
        } else {
            System.out.println("address " + id.address().toHex());
            System.out.println("did     " + id.did());
            System.out.println("peerId  " + id.peerId());
        }
        return ExitCodes.OK;
    }
}
