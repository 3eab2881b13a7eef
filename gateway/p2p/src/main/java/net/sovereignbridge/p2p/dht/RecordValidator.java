package net.sovereignbridge.p2p.dht;

import java.util.List;

/**
 * Decides which values the DHT accepts, stores and hands out (libp2p's record validator: validate and
 * select). Every PUT_VALUE we receive and every value a GET_VALUE brings back passes through it.
 */
public interface RecordValidator {

    /** Null when the value is acceptable under the key, else why not (for the debug log and counters). */
    String validate(byte[] key, byte[] value);

    /** Index of the best of several valid values for one key (all already validated). */
    int select(byte[] key, List<byte[]> values);
}
