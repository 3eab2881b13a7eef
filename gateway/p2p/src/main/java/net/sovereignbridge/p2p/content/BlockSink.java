package net.sovereignbridge.p2p.content;

import java.io.IOException;

/** Where the importer puts each block it makes (a block store, or a counter in a benchmark). */
public interface BlockSink {
    void put(Cid cid, byte[] block) throws IOException;
}
