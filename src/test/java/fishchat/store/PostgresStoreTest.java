package fishchat.store;

import fishchat.store.postgres.PostgresSettings;
import fishchat.store.postgres.PostgresStore;
import fishchat.testing.Await;
import fishchat.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster store against a real PostgreSQL: two store instances on one database stand
 * for two access nodes.
 */
@Timeout(120)
class PostgresStoreTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(4);
    private static PostgresServer pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresServer.create();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static PostgresSettings settings(String url) {
        return PostgresSettings.parse(url, PostgresServer.PASSWORD);
    }

    /** Two nodes opened at once (Flyway migrates once) and many concurrent senders to one user: no seq reused or skipped. */
    @Test
    void concurrentSendersOnTwoNodesGetAGapFreeSequence() throws Exception {
        String url = pg.newDatabase();
        CompletableFuture<PostgresStore> openA = CompletableFuture.supplyAsync(() -> PostgresStore.open(settings(url), TIMEOUT));
        CompletableFuture<PostgresStore> openB = CompletableFuture.supplyAsync(() -> PostgresStore.open(settings(url), TIMEOUT));
        try (PostgresStore a = openA.join(); PostgresStore b = openB.join()) {
            int perSender = 100;
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int s = 0; s < 8; s++) {
                    PostgresStore node = s % 2 == 0 ? a : b;
                    long sender = 100 + s;
                    senders.submit(() -> {
                        for (int i = 0; i < perSender; i++) {
                            assertEquals(AppendResult.Status.STORED,
                                    node.append(new NewMessage(sender, 7, 0, "m" + i, "hello " + i, 1)).status());
                        }
                        return null;
                    });
                }
            }
            List<StoredMessage> inbox = readAll(b, 7);
            assertEquals(8 * perSender, inbox.size());
            for (int i = 0; i < inbox.size(); i++) {
                assertEquals(i + 1, inbox.get(i).seq(), "seqs are 1..n without gaps");
            }
            assertEquals(8 * perSender, a.lastSeq(7));
            assertEquals(Map.of(7L, (long) 8 * perSender), a.lastSeqs(List.of(7L, 8L)));
        }
    }

    @Test
    void aResendThroughTheOtherNodeIsStoredOnce() {
        String url = newUrl();
        try (PostgresStore a = PostgresStore.open(settings(url), TIMEOUT); PostgresStore b = PostgresStore.open(settings(url), TIMEOUT)) {
            NewMessage m = new NewMessage(1, 2, 0, "msg-1", "hi", 10);
            assertEquals(AppendResult.Status.STORED, a.append(m).status());
            assertEquals(AppendResult.Status.DUPLICATE, b.append(m).status());
            assertEquals(AppendResult.Status.STORED, b.append(new NewMessage(1, 2, 0, "", "no key", 11)).status());
            assertEquals(AppendResult.Status.STORED, b.append(new NewMessage(1, 2, 0, "", "no key", 11)).status(),
                    "an empty msgID is no idempotency key");
            assertEquals(3, readAll(a, 2).size());
        }
    }

    @Test
    void groupMessagesReachEveryMemberAndOnlyMembersMaySend() {
        try (PostgresStore a = PostgresStore.open(settings(newUrl()), TIMEOUT)) {
            assertEquals(JoinResult.JOINED, a.join(50, 1, 1000));
            assertEquals(JoinResult.JOINED, a.join(50, 2, 1000));
            assertEquals(JoinResult.JOINED, a.join(50, 3, 1000));
            assertEquals(JoinResult.ALREADY_MEMBER, a.join(50, 3, 1000));
            assertEquals(List.of(1L, 2L, 3L), a.members(50));
            AppendResult r = a.append(new NewMessage(1, 0, 50, "g1", "to all", 5));
            assertEquals(AppendResult.Status.STORED, r.status());
            assertEquals(List.of(new Delivery(1, 1), new Delivery(2, 1), new Delivery(3, 1)), r.deliveries());
            StoredMessage got = a.readInbox(3, 0, 10).get(0);
            assertEquals(50, got.groupId());
            assertEquals(NewMessage.TYPE_GROUP, got.type());
            assertEquals("to all", got.body());
            assertEquals(AppendResult.Status.NOT_A_MEMBER, a.append(new NewMessage(9, 0, 50, "", "intruder", 6)).status());
            assertTrue(a.leave(50, 3));
            assertFalse(a.leave(50, 3));
            assertEquals(2, a.append(new NewMessage(1, 0, 50, "", "fewer", 7)).deliveries().size());
        }
    }

    /** What one node commits reaches the other node's subscribers, not its own (it announced them already). */
    @Test
    void otherNodesCommitsAreAnnouncedThroughListenNotify() throws Exception {
        String url = newUrl();
        try (PostgresStore a = PostgresStore.open(settings(url), TIMEOUT); PostgresStore b = PostgresStore.open(settings(url), TIMEOUT)) {
            Recorder atA = new Recorder();
            Recorder atB = new Recorder();
            a.subscribe(atA);
            b.subscribe(atB);
            awaitFeedUp(a);
            awaitFeedUp(b);
            // Many recipients in one commit: more pairs than one 8000-byte payload holds.
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                // To 1 000 others (a message to oneself would take a seq among 1's own copies).
                LongStream.range(2, 1_002).forEach(uid -> senders.submit(() -> a.append(new NewMessage(1, uid, 0, "", "x", 1))));
            }
            Await.until("B heard of all 1000 inboxes", Duration.ofSeconds(10), () -> atB.newest.size() == 1_000);
            assertTrue(atB.newest.values().stream().allMatch(seq -> seq == 1));
            Await.until("B heard of 1's own copies, apart", Duration.ofSeconds(10),
                    () -> Long.valueOf(1_000).equals(atB.newestOwn.get(1L)));
            Thread.sleep(300);
            assertTrue(atA.newest.isEmpty(), "a node does not hear its own commits");
        }
    }

    @Test
    void aBrokenListenConnectionIsRestoredAndSubscribersResynchronize() throws Exception {
        String url = newUrl();
        try (PostgresStore a = PostgresStore.open(settings(url), TIMEOUT); PostgresStore b = PostgresStore.open(settings(url), TIMEOUT)) {
            Recorder atB = new Recorder();
            b.subscribe(atB);
            awaitFeedUp(b);
            int before = atB.resyncs.get(); // the first connection resynchronizes too
            pg.superuserExecute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fishchat-listen'");
            Await.until("B resynchronized after its LISTEN connection was killed", Duration.ofSeconds(15),
                    () -> atB.resyncs.get() > before);
            a.append(new NewMessage(1, 2, 0, "", "after the break", 1));
            Await.until("B hears new commits again", Duration.ofSeconds(10), () -> atB.newest.containsKey(2L));
        }
    }

    /** PostgreSQL down: writes fail within the deadline, the store says why; back up: it works again without a restart. */
    @Test
    void aStoppedDatabaseFailsWritesPromptlyAndServiceResumesWhenItReturns() throws Exception {
        // Its own server: stopping the shared one would disturb the other tests.
        try (PostgresServer own = PostgresServer.create();
             PostgresStore a = PostgresStore.open(settings(own.url()), TIMEOUT)) {
            Recorder heard = new Recorder();
            a.subscribe(heard);
            assertEquals(AppendResult.Status.STORED, a.append(new NewMessage(1, 2, 0, "before", "x", 1)).status());
            awaitFeedUp(a);
            int resyncsBefore = heard.resyncs.get();
            own.stop();
            long started = System.nanoTime();
            assertThrows(StoreUnavailableException.class, () -> a.append(new NewMessage(1, 2, 0, "during", "x", 1)));
            assertThrows(StoreUnavailableException.class, () -> a.readInbox(2, 0, 10));
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "two failures within their deadlines");
            Await.until("the store reports the outage", Duration.ofSeconds(10), () -> a.problem().isPresent());
            own.start();
            Await.until("the store recovers on its own", Duration.ofSeconds(20), () -> a.problem().isEmpty());
            // The pool refills on its own schedule: retry as a client does, with the same msgID.
            Await.until("a send is stored again", Duration.ofSeconds(20), () -> {
                try {
                    return a.append(new NewMessage(1, 2, 0, "after", "x", 1)).status() != null;
                } catch (StoreUnavailableException e) {
                    return false;
                }
            });
            assertEquals(List.of("before", "after"), readAll(a, 2).stream().map(StoredMessage::msgId).toList(),
                    "nothing that was refused got stored");
            assertTrue(heard.resyncs.get() > resyncsBefore, "subscribers were asked to resynchronize");
        }
    }

    /** A message the database refuses (PostgreSQL text cannot hold U+0000) fails alone; its batch-mates are stored. */
    @Test
    void aMessageTheDatabaseRefusesFailsOnlyItsOwnSender() throws Exception {
        try (PostgresStore a = PostgresStore.open(settings(newUrl()), TIMEOUT)) {
            List<java.util.concurrent.Future<AppendResult>> good = new ArrayList<>();
            java.util.concurrent.Future<AppendResult> bad;
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 50; i++) {
                    long uid = 100 + i;
                    good.add(senders.submit(() -> a.append(new NewMessage(1, uid, 0, "", "fine", 1))));
                }
                bad = senders.submit(() -> a.append(new NewMessage(1, 99, 0, "", "nul \0 inside", 1)));
                for (int i = 0; i < 50; i++) {
                    long uid = 200 + i;
                    good.add(senders.submit(() -> a.append(new NewMessage(1, uid, 0, "", "fine", 1))));
                }
            }
            for (var f : good) {
                assertEquals(AppendResult.Status.STORED, f.get().status());
            }
            var failure = assertThrows(java.util.concurrent.ExecutionException.class, bad::get);
            assertTrue(failure.getCause() instanceof StoreUnavailableException, failure.toString());
            assertEquals(0, a.lastSeq(99));
            assertEquals(1, a.lastSeq(249));
        }
    }

    /** Many sends in one batch: a msgID repeated inside the batch is stored once, and one recipient's seqs follow send order. */
    @Test
    void oneBatchKeepsSendOrderPerRecipientAndDedupsWithinItself() throws Exception {
        try (PostgresStore a = PostgresStore.open(settings(newUrl()), TIMEOUT)) {
            a.join(9, 1, 1000);
            a.join(9, 5, 1000);
            int n = 200;
            List<java.util.concurrent.Future<AppendResult>> results = new ArrayList<>();
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    NewMessage m = switch (i % 4) {
                        case 0 -> new NewMessage(1, 5, 0, "", "p2p " + i, 1);
                        case 1 -> new NewMessage(1, 0, 9, "", "group " + i, 1);
                        case 2 -> new NewMessage(2, 5, 0, "same-key", "dup " + i, 1);
                        default -> new NewMessage(3, 0, 9, "", "not a member " + i, 1);
                    };
                    results.add(senders.submit(() -> a.append(m)));
                }
            }
            Map<AppendResult.Status, Long> statuses = new java.util.EnumMap<>(AppendResult.Status.class);
            for (var r : results) {
                statuses.merge(r.get().status(), 1L, Long::sum);
            }
            assertEquals(Map.of(AppendResult.Status.STORED, (long) n / 2 + 1, AppendResult.Status.DUPLICATE, (long) n / 4 - 1,
                    AppendResult.Status.NOT_A_MEMBER, (long) n / 4), statuses);
            List<StoredMessage> inbox = readAll(a, 5);
            assertEquals(n / 2 + 1, inbox.size());
            for (int i = 0; i < inbox.size(); i++) {
                assertEquals(i + 1, inbox.get(i).seq());
            }
            assertEquals(1, inbox.stream().filter(m -> m.msgId().equals("same-key")).count());
            assertEquals(n / 4 + n / 4, readAll(a, 1).size(),
                    "the group sender's own inbox has its group messages and its own copies of what it sent to 5");
        }
    }

    @Test
    void retentionPurgesInBoundedChunks() {
        try (PostgresStore a = PostgresStore.open(settings(newUrl()), TIMEOUT)) {
            for (int i = 0; i < 25; i++) {
                a.append(new NewMessage(0, 2, 0, "old" + i, "x", 1_000)); // system notices: one copy each
            }
            a.append(new NewMessage(0, 2, 0, "new", "x", 5_000));
            assertEquals(10, a.purgeOlderThan(2_000, 10));
            assertEquals(10, a.purgeOlderThan(2_000, 10));
            assertEquals(5, a.purgeOlderThan(2_000, 10));
            assertEquals(0, a.purgeOlderThan(2_000, 10));
            assertEquals(List.of("new"), readAll(a, 2).stream().map(StoredMessage::msgId).toList());
            assertEquals(26, a.lastSeq(2), "purging never lowers the sequence");
        }
    }

    @Test
    void ownCopiesAndSystemNotices() {
        try (PostgresStore a = PostgresStore.open(settings(newUrl()), TIMEOUT)) {
            ServerApiStoreChecks.ownCopiesAndSystemNotices(a);
        }
    }

    @Test
    void revocationsKeepTheLaterTimeAndAreReadWithTheNewestSeq() {
        try (PostgresStore a = PostgresStore.open(settings(newUrl()), TIMEOUT)) {
            ServerApiStoreChecks.revocationsKeepTheLaterTimeAndAreReadWithTheNewestSeq(a);
        }
    }

    @Test
    void membersComeInPages() {
        try (PostgresStore a = PostgresStore.open(settings(newUrl()), TIMEOUT)) {
            ServerApiStoreChecks.membersComeInPages(a);
        }
    }

    @Test
    void presenceAddsUpNodesAndSweepsNodesWhoseLeaseRanOut() {
        try (PostgresStore a = PostgresStore.open(settings(newUrl()), TIMEOUT)) {
            ServerApiStoreChecks.presenceAddsUpNodesAndSweepsNodesWhoseLeaseRanOut(a);
        }
    }

    @Test
    void outboxHoldsAnEventPerRecipientAndPresenceChangeForClaimedReceivers() {
        try (PostgresStore a = PostgresStore.open(settings(newUrl()), TIMEOUT)) {
            ServerApiStoreChecks.outboxHoldsAnEventPerRecipientAndPresenceChangeForClaimedReceivers(a);
        }
    }

    /** A revocation and presence changes made through one node reach the other node's subscribers. */
    @Test
    void revocationsAndPresenceChangesReachTheOtherNode() throws Exception {
        String url = newUrl();
        try (PostgresStore a = PostgresStore.open(settings(url), TIMEOUT); PostgresStore b = PostgresStore.open(settings(url), TIMEOUT)) {
            Recorder atA = new Recorder();
            Recorder atB = new Recorder();
            a.subscribe(atA);
            b.subscribe(atB);
            awaitFeedUp(a);
            awaitFeedUp(b);
            assertEquals(5_000, a.revoke(42, 5_000));
            Await.until("B heard of the revocation", Duration.ofSeconds(10), () -> Long.valueOf(5_000).equals(atB.revoked.get(42L)));
            a.presence().renewLease("node-a", 1_000, Duration.ofSeconds(7));
            assertEquals(List.of(new Presence(43, 2, 1_000)), a.presence().record("node-a", Map.of(43L, 2), 1_000));
            Await.until("B heard 43 come online", Duration.ofSeconds(10), () -> atB.presence.contains(new Presence(43, 2, 1_000)));
            assertEquals(List.of(new Presence(43, 0, 9_000)), b.presence().sweepExpired(9_000), "B sweeps A once its lease ran out");
            Await.until("A heard 43 go offline", Duration.ofSeconds(10), () -> atA.presence.contains(new Presence(43, 0, 9_000)));
            Thread.sleep(300);
            assertTrue(atA.revoked.isEmpty() && !atB.presence.contains(new Presence(43, 0, 9_000)),
                    "a node does not hear its own commits");
        }
    }

    @Test
    void urlsThatWouldLeakAPasswordOrNameNothingAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PostgresSettings.parse("postgresql://u:secret@h:5432/db", null));
        assertThrows(IllegalArgumentException.class, () -> PostgresSettings.parse("postgresql://h:5432/db", null));
        assertThrows(IllegalArgumentException.class, () -> PostgresSettings.parse("postgresql://u@h:5432/", null));
        assertThrows(IllegalArgumentException.class, () -> PostgresSettings.parse("mysql://u@h/db", null));
        PostgresSettings s = PostgresSettings.parse("postgresql://u@h:6543/db?sslmode=require", "pw");
        assertEquals("jdbc:postgresql://h:6543/db?sslmode=require", s.jdbcUrl());
        assertFalse(s.toString().contains("pw"));
    }

    @Test
    void aWrongPasswordFailsStartClearly() {
        String url = newUrl();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> PostgresStore.open(PostgresSettings.parse(url, "wrong"), TIMEOUT));
        assertTrue(e.getMessage().contains("password"), e.getMessage());
    }

    private static String newUrl() {
        try {
            return pg.newDatabase();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitFeedUp(PostgresStore store) {
        Await.until("LISTEN connection up", Duration.ofSeconds(10), () -> store.problem().isEmpty());
    }

    private static List<StoredMessage> readAll(MessageStore store, long uid) {
        List<StoredMessage> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<StoredMessage> page = store.readInbox(uid, after, 100);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            after = page.get(page.size() - 1).seq();
        }
    }

    /** A subscriber that remembers the newest seq it heard per uid (own copies apart), revocations and presence changes. */
    private static final class Recorder implements DeliveryListener {
        final Map<Long, Long> newest = new ConcurrentHashMap<>();
        final Map<Long, Long> newestOwn = new ConcurrentHashMap<>();
        final Map<Long, Long> revoked = new ConcurrentHashMap<>();
        final List<Presence> presence = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger resyncs = new AtomicInteger();

        @Override
        public void delivered(List<Delivery> deliveries) {
            deliveries.forEach(d -> (d.ownCopy() ? newestOwn : newest).merge(d.uid(), d.seq(), Math::max));
        }

        @Override
        public void revoked(long uid, long atMillis) {
            revoked.put(uid, atMillis);
        }

        @Override
        public void presenceChanged(List<Presence> changes) {
            presence.addAll(changes);
        }

        @Override
        public void resynchronize() {
            resyncs.incrementAndGet();
        }
    }
}
