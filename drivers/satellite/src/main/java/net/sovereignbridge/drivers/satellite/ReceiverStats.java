package net.sovereignbridge.drivers.satellite;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the receive path, readable from any thread. */
public final class ReceiverStats {
    public final LongAdder datagrams = new LongAdder();
    public final LongAdder packets = new LongAdder();
    public final LongAdder malformed = new LongAdder();
    public final LongAdder duplicateFragments = new LongAdder();
    public final LongAdder messages = new LongAdder();
    public final LongAdder evicted = new LongAdder();
    public final LongAdder expired = new LongAdder();
    public final LongAdder badCrc = new LongAdder();
    public final LongAdder otherChannel = new LongAdder();

    @Override
    public String toString() {
        return "datagrams=" + datagrams + " packets=" + packets + " malformed=" + malformed + " duplicates=" + duplicateFragments
                + " messages=" + messages + " evicted=" + evicted + " expired=" + expired + " badCrc=" + badCrc + " otherChannel=" + otherChannel;
    }
}
