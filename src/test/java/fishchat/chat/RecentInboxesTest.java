package fishchat.chat;

import fishchat.store.StoredMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory inbox tails: they answer only when the answer is the store's answer. */
class RecentInboxesTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RecentInboxes recent = new RecentInboxes(1 << 20, now::get);

    private static StoredMessage entry(long uid, long seq) {
        return new StoredMessage(seq, 7, uid, 0, "", "m" + seq, "text " + seq, 1_000);
    }

    private static List<Long> seqs(List<StoredMessage> entries) {
        return entries.stream().map(StoredMessage::seq).toList();
    }

    @Test
    void answersFromTheOldestHeldEntryUpToTheNewest() {
        for (long seq = 1; seq <= 5; seq++) {
            recent.stored(2, entry(2, seq));
        }
        assertEquals(List.of(4L, 5L), seqs(recent.after(2, 3, 10)));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(recent.after(2, 0, 10)));
        assertEquals(List.of(1L, 2L), seqs(recent.after(2, 0, 2)), "at most the limit, oldest first");
        assertEquals(List.of(), recent.after(2, 5, 10), "nothing newer: an empty answer is still an answer");
        assertNull(recent.after(3, 0, 10), "a user it holds nothing of: read the store");
    }

    @Test
    void keepsTheNewestFewAndSendsOlderSyncsToTheStore() {
        for (long seq = 1; seq <= RecentInboxes.PER_USER + 4; seq++) {
            recent.stored(2, entry(2, seq));
        }
        assertNull(recent.after(2, 3, 100), "seq 4 is not held any more");
        assertTrue(recent.covers(2, 4));
        assertEquals(RecentInboxes.PER_USER, recent.after(2, 4, 100).size());
    }

    @Test
    void aGapStartsTheTailAgainAndAnOlderLateEntryIsIgnored() {
        recent.stored(2, entry(2, 1));
        recent.stored(2, entry(2, 2));
        recent.stored(2, entry(2, 4)); // seq 3's sender has not finished yet
        assertNull(recent.after(2, 2, 10), "seq 3 is not known here");
        assertEquals(List.of(4L), seqs(recent.after(2, 3, 10)));
        recent.stored(2, entry(2, 3)); // finishes late: the store answers for it
        assertEquals(List.of(4L), seqs(recent.after(2, 3, 10)));
        assertNull(recent.after(2, 2, 10));
    }

    @Test
    void anEntryAnotherNodeStoredSendsTheUserToTheStoreUntilThisNodeStoresTheNext() {
        recent.stored(2, entry(2, 1));
        recent.heard(2, 2);
        assertFalse(recent.covers(2, 1));
        assertNull(recent.after(2, 1, 10), "seq 2 is only in the store");
        recent.stored(2, entry(2, 3)); // a gap after the heard-of entry: held from 3
        assertEquals(List.of(3L), seqs(recent.after(2, 2, 10)));
        recent.heard(2, 3); // this node's own write coming back on the feed changes nothing
        assertEquals(List.of(3L), seqs(recent.after(2, 2, 10)));
    }

    @Test
    void entriesAreHeldForAShortWhileOnly() {
        recent.stored(2, entry(2, 1));
        now.addAndGet(RecentInboxes.HOLD_MILLIS / 2);
        recent.stored(2, entry(2, 2));
        now.addAndGet(RecentInboxes.HOLD_MILLIS / 2 + 1);
        assertNull(recent.after(2, 0, 10), "seq 1 was held too long");
        assertEquals(List.of(2L), seqs(recent.after(2, 1, 10)));
        now.addAndGet(RecentInboxes.HOLD_MILLIS);
        assertNull(recent.after(2, 1, 10));
    }

    @Test
    void theBudgetForgetsTheUsersLeastRecentlyWrittenTo() {
        RecentInboxes small = new RecentInboxes(2_000, now::get);
        for (long uid = 1; uid <= 100; uid++) {
            small.stored(uid, entry(uid, 1));
        }
        assertTrue(small.users() < 20, "held " + small.users());
        assertNull(small.after(1, 0, 10));
        assertEquals(List.of(1L), seqs(small.after(100, 0, 10)));
    }
}
