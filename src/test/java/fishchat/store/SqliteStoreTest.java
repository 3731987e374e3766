package fishchat.store;

import fishchat.store.sqlite.SqliteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded store on real SQLite files. */
class SqliteStoreTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static NewMessage p2p(long from, long to, String msgId, String text) {
        return new NewMessage(from, to, 0, msgId, text, System.currentTimeMillis());
    }

    @Test
    void concurrentSendersGetGaplessSeqsPerRecipient() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            int senders = 50;
            int each = 40;
            List<Future<List<Long>>> results = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int s = 0; s < senders; s++) {
                    long sender = 100 + s;
                    results.add(threads.submit(() -> {
                        List<Long> seqs = new ArrayList<>();
                        for (int i = 0; i < each; i++) {
                            AppendResult r = store.append(p2p(sender, 7, "", "m" + i));
                            assertEquals(AppendResult.Status.STORED, r.status());
                            seqs.add(r.deliveries().get(0).seq());
                        }
                        return seqs;
                    }));
                }
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> f : results) {
                all.addAll(f.get());
            }
            assertEquals(senders * each, all.size(), "no seq handed out twice");
            for (long seq = 1; seq <= senders * each; seq++) {
                assertTrue(all.contains(seq), "seq " + seq + " missing: no gaps");
            }
            assertEquals(senders * each, store.lastSeq(7));
        }
    }

    @Test
    void oneStoreAtATimeOnADataDir() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            StoreUnavailableException second = assertThrows(StoreUnavailableException.class,
                    () -> SqliteStore.open(dir, TIMEOUT));
            assertTrue(second.getMessage().contains("in use by another fishchat process (pid "
                    + ProcessHandle.current().pid() + ")"), second.getMessage());
            assertEquals(AppendResult.Status.STORED, store.append(p2p(1, 2, "", "still mine")).status());
        }
        try (SqliteStore reopened = SqliteStore.open(dir, TIMEOUT)) { // closing released it
            assertEquals(1, reopened.lastSeq(2));
        }
    }

    @Test
    void resendWithTheSameMsgIdIsStoredOnceButEmptyMsgIdsAlways() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            assertEquals(AppendResult.Status.STORED, store.append(p2p(1, 2, "a", "x")).status());
            assertEquals(AppendResult.Status.DUPLICATE, store.append(p2p(1, 2, "a", "x")).status());
            assertEquals(AppendResult.Status.STORED, store.append(p2p(3, 2, "a", "x")).status(), "another sender's id");
            assertEquals(AppendResult.Status.STORED, store.append(p2p(1, 2, "", "y")).status());
            assertEquals(AppendResult.Status.STORED, store.append(p2p(1, 2, "", "y")).status());
            assertEquals(4, store.readInbox(2, 0, 100).size());
        }
    }

    @Test
    void groupMessagesReachMembersOnlyAndNeedMembership() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            assertEquals(JoinResult.JOINED, store.join(9, 1, 1000));
            assertEquals(JoinResult.ALREADY_MEMBER, store.join(9, 1, 1000), "already a member");
            store.join(9, 2, 1000);
            store.join(8, 3, 1000);
            AppendResult r = store.append(new NewMessage(1, 0, 9, "", "hi", 1L));
            assertEquals(AppendResult.Status.STORED, r.status());
            assertEquals(Set.of(1L, 2L), Set.copyOf(r.deliveries().stream().map(Delivery::uid).toList()));
            assertEquals(0, store.lastSeq(3));
            assertEquals(AppendResult.Status.NOT_A_MEMBER, store.append(new NewMessage(3, 0, 9, "", "no", 1L)).status());
            assertTrue(store.leave(9, 2));
            assertEquals(List.of(1L), store.members(9));
            StoredMessage m = store.readInbox(2, 0, 10).get(0);
            assertEquals("group", m.type());
            assertEquals(9, m.groupId());
            assertEquals(1, m.sourceUid());
            assertEquals(2, m.targetUid());
        }
    }

    @Test
    void messagesSurviveReopeningAndSeqsContinue() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            store.append(p2p(1, 2, "k", "first"));
            store.join(5, 2, 1000);
        }
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            assertEquals(1, store.lastSeq(2));
            assertEquals(AppendResult.Status.DUPLICATE, store.append(p2p(1, 2, "k", "first")).status());
            assertEquals(2, store.append(p2p(1, 2, "", "second")).deliveries().get(0).seq());
            List<StoredMessage> inbox = store.readInbox(2, 0, 10);
            assertEquals(List.of("first", "second"), inbox.stream().map(StoredMessage::body).toList());
            assertEquals(List.of(2L), store.members(5));
        }
    }

    @Test
    void readInboxPagesAfterASeq() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            for (int i = 1; i <= 10; i++) {
                store.append(p2p(1, 2, "", "m" + i));
            }
            List<StoredMessage> page = store.readInbox(2, 4, 3);
            assertEquals(List.of(5L, 6L, 7L), page.stream().map(StoredMessage::seq).toList());
        }
    }

    @Test
    void purgeDeletesOldMessagesButSeqsNeverRepeat() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            store.append(new NewMessage(1, 2, 0, "", "old", 1_000));
            store.append(new NewMessage(1, 2, 0, "", "new", 5_000));
            assertEquals(2, store.purgeOlderThan(2_000, 100), "the message and the sender's own copy");
            assertEquals(List.of("new"), store.readInbox(2, 0, 10).stream().map(StoredMessage::body).toList());
            assertEquals(3, store.append(new NewMessage(1, 2, 0, "", "later", 6_000)).deliveries().get(0).seq());
        }
    }

    @Test
    void purgeWorksInBoundedChunks() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            for (int i = 0; i < 5; i++) {
                store.append(new NewMessage(0, 2, 0, "id" + i, "old", 1_000)); // system notices: one copy each
            }
            assertEquals(2, store.purgeOlderThan(2_000, 2));
            assertEquals(2, store.purgeOlderThan(2_000, 2));
            assertEquals(1, store.purgeOlderThan(2_000, 2));
            assertEquals(0, store.purgeOlderThan(2_000, 2));
            assertEquals(AppendResult.Status.STORED, store.append(new NewMessage(0, 2, 0, "id0", "reused", 3_000)).status(),
                    "purged dedup keys are free again");
        }
    }

    @Test
    void aWriteThatCannotCommitInTimeIsAnsweredWithinItsDeadlineAndNeverStoredLater() throws Exception {
        Duration deadline = Duration.ofMillis(500);
        try (SqliteStore store = SqliteStore.open(dir, deadline);
             java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("messages.db"));
             java.sql.Statement lock = other.createStatement()) {
            lock.execute("BEGIN IMMEDIATE"); // another process holds the write lock: the writer waits in BEGIN
            long start = System.nanoTime();
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                    () -> store.append(p2p(1, 2, "late", "x")));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().contains("not committed within 500 ms"), e.getMessage());
            assertTrue(tookMillis >= 450 && tookMillis < 2_500, "answered after " + tookMillis + " ms");
            lock.execute("ROLLBACK");
            store.append(p2p(1, 3, "after", "y"));
            assertEquals(1, store.lastSeq(3), "the store works again");
            assertEquals(0, store.lastSeq(2), "the withdrawn write was never stored");
        }
    }

    @Test
    void closedStoreRefusesWork() {
        SqliteStore store = SqliteStore.open(dir, TIMEOUT);
        store.close();
        assertThrows(StoreUnavailableException.class, () -> store.append(p2p(1, 2, "", "x")));
        assertThrows(StoreUnavailableException.class, () -> store.lastSeq(2));
    }

    @Test
    void ownCopiesAndSystemNotices() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            ServerApiStoreChecks.ownCopiesAndSystemNotices(store);
        }
    }

    @Test
    void revocationsKeepTheLaterTimeAndAreReadWithTheNewestSeq() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            ServerApiStoreChecks.revocationsKeepTheLaterTimeAndAreReadWithTheNewestSeq(store);
        }
    }

    @Test
    void membersComeInPages() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            ServerApiStoreChecks.membersComeInPages(store);
        }
    }

    @Test
    void presenceAddsUpNodesAndSweepsNodesWhoseLeaseRanOut() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            ServerApiStoreChecks.presenceAddsUpNodesAndSweepsNodesWhoseLeaseRanOut(store);
        }
    }

    @Test
    void outboxHoldsAnEventPerRecipientAndPresenceChangeForClaimedReceivers() {
        try (SqliteStore store = SqliteStore.open(dir, TIMEOUT)) {
            ServerApiStoreChecks.outboxHoldsAnEventPerRecipientAndPresenceChangeForClaimedReceivers(store);
        }
    }
}
