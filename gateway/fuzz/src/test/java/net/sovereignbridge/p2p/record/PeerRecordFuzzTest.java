package net.sovereignbridge.p2p.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import net.sovereignbridge.fuzz.AllocationLimit;
import net.sovereignbridge.mesh.identity.NodeIdentity;
import net.sovereignbridge.p2p.multiaddr.Multiaddr;
import net.sovereignbridge.p2p.multiaddr.MultiaddrException;
import net.sovereignbridge.p2p.protobuf.ProtoException;

/** Signed peer records from identify: the envelope, the record, and seal/open with hostile addresses. */
class PeerRecordFuzzTest {
    private static final NodeIdentity PEER = NodeIdentity.fromSeed(new byte[32]);

    @FuzzTest
    void envelope(byte[] input) {
        try {
            AllocationLimit.check("PeerRecord.open", 8L * input.length,
                    () -> PeerRecord.open(input, PEER.publicIdentity().publicKey()));
        } catch (ProtoException e) {
            AllocationLimit.assertExplained(e);
        }
    }

    @FuzzTest
    void record(byte[] input) {
        try {
            AllocationLimit.check("PeerRecord.decode", 8L * input.length, () -> PeerRecord.decode(input));
        } catch (ProtoException e) {
            AllocationLimit.assertExplained(e);
        }
    }

    @FuzzTest
    void sealOpen(FuzzedDataProvider data) throws ProtoException {
        long seq = data.consumeLong(0, Long.MAX_VALUE);
        List<Multiaddr> addresses = new ArrayList<>();
        while (data.remainingBytes() > 0 && addresses.size() < 8) {
            try {
                addresses.add(Multiaddr.decode(data.consumeBytes(data.consumeInt(1, 40))));
            } catch (MultiaddrException e) {
                // not an address: the fuzzer will find ones that are
            }
        }
        byte[] sealed = PeerRecord.seal(PEER, seq, addresses).encode();
        PeerRecord opened = PeerRecord.open(sealed, PEER.publicIdentity().publicKey());
        assertEquals(seq, opened.seq());
        assertEquals(addresses, opened.addresses());
    }
}
