package net.sovereignbridge.drivers.meshtastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PacketHistoryTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final PacketHistory history = new PacketHistory(4, now::get);

    private void advanceMinutes(long m) {
        now.addAndGet(TimeUnit.MINUTES.toNanos(m));
    }

    @Test
    void aReplayedFromAndIdIsADuplicateButTheSameIdFromAnotherNodeIsNot() {
        assertFalse(history.seenRecently(0xDEADBEEF, 0x7A01B2C3));
        assertTrue(history.seenRecently(0xDEADBEEF, 0x7A01B2C3), "the same (from, id) again");
        assertFalse(history.seenRecently(0x12345678, 0x7A01B2C3), "another sender may use the same id");
        assertFalse(history.seenRecently(0xDEADBEEF, 0x7A01B2C4));
        // the sign bit of from and id must not alias: 0x80000000 vs 0 are different packets
        assertFalse(history.seenRecently(0x80000000, 1));
        assertEquals(4, history.size());
    }

    @Test
    void recordsExpireAfterTenMinutesUnlessHeardAgain() {
        history.seenRecently(1, 100);
        history.seenRecently(2, 200);
        advanceMinutes(9);
        assertTrue(history.seenRecently(1, 100), "heard again at 9 min: refreshed");
        advanceMinutes(2);
        assertFalse(history.seenRecently(2, 200), "11 min since (2, 200) was heard: expired, a new packet");
        assertTrue(history.seenRecently(1, 100), "refreshed at 9 min, 2 min ago");
        advanceMinutes(10);
        assertEquals(0, history.size());
    }

    @Test
    void idZeroIsNotFloodableAndNeverRecorded() {
        assertFalse(history.seenRecently(7, 0));
        assertFalse(history.seenRecently(7, 0));
        assertEquals(0, history.size());
    }

    @Test
    void aFloodOfInventedIdsEvictsTheOldestAndStaysBounded() {
        assertFalse(history.seenRecently(9, 1));
        for (int id = 1000; id < 101_000; id++) assertFalse(history.seenRecently(0xBADBAD, id));
        assertEquals(4, history.size(), "capacity holds under 100 000 invented ids");
        assertFalse(history.seenRecently(9, 1), "the oldest record was evicted");
        assertTrue(history.seenRecently(0xBADBAD, 100_999), "recent ones are kept");
        assertThrows(IllegalArgumentException.class, () -> new PacketHistory(0, now::get));
    }
}
