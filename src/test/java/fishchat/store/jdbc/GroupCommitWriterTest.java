package fishchat.store.jdbc;

import fishchat.store.StoreUnavailableException;
import fishchat.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The group commit on transactions of its own making (a list per transaction, kept when
 * committed, dropped when rolled back): what is batched, what one bad write costs, and that a
 * write whose caller gave up is never run. The engines' real transactions are tested with
 * SQLite and PostgreSQL (SqliteStoreTest, PostgresStoreTest).
 */
class GroupCommitWriterTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Each transaction a list of the values its writes added; a commit keeps it. */
    private static final class ListTransactions implements BatchTransactions<List<String>> {
        final List<List<String>> committed = new CopyOnWriteArrayList<>();
        volatile boolean databaseDown;

        @Override
        public List<String> begin() throws SQLException {
            if (databaseDown) {
                throw new SQLException("connection refused");
            }
            return new ArrayList<>();
        }

        @Override
        public void commit(List<String> batch) {
            committed.add(List.copyOf(batch));
        }

        @Override
        public void rollback(List<String> batch) {
            batch.clear();
        }

        List<String> all() {
            return committed.stream().flatMap(List::stream).toList();
        }
    }

    private final ListTransactions transactions = new ListTransactions();
    private final GroupCommitWriter<List<String>> writer = new GroupCommitWriter<>(transactions, "commit-test");

    @AfterEach
    void stop() {
        writer.close();
    }

    /** A write that adds {@code value}; "bad" is refused by the database. */
    private static SqlWork<List<String>, String> add(String value) {
        return batch -> {
            if (value.startsWith("bad")) {
                throw new SQLException("check constraint violated by " + value);
            }
            batch.add(value);
            return value;
        };
    }

    /** Opens when the writer runs a {@link #held} write (an empty queue alone does not say it took it). */
    private final CountDownLatch holding = new CountDownLatch(1);

    /** A write that holds the writer until {@code release} opens. */
    private SqlWork<List<String>, String> held(CountDownLatch release) {
        return batch -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batch.add("held");
            return "held";
        };
    }

    @Test
    void writesQueuedMeanwhileCommitTogether() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = callers.submit(() -> writer.submit(held(release), WAIT));
            assertTrue(holding.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS), "the writer holds the first");
            List<Future<String>> rest = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String value = "w" + i;
                rest.add(callers.submit(() -> writer.submit(add(value), WAIT)));
            }
            Await.until("all queued", WAIT, () -> writer.queued() == 100);
            release.countDown();
            assertEquals("held", first.get());
            for (int i = 0; i < 100; i++) {
                assertEquals("w" + i, rest.get(i).get(), "each caller gets its own result");
            }
        }
        assertEquals(2, transactions.committed.size(), "one commit for the first, one for the hundred queued behind it");
        assertEquals(101, transactions.all().size());
    }

    @Test
    void aWriteTheDatabaseRefusesFailsOnlyItsOwnCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            callers.submit(() -> writer.submit(held(release), WAIT));
            assertTrue(holding.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS), "the writer holds the first");
            Future<String> ok1 = callers.submit(() -> writer.submit(add("ok1"), WAIT));
            Await.until("queued", WAIT, () -> writer.queued() == 1);
            Future<String> bad = callers.submit(() -> writer.submit(add("bad"), WAIT));
            Await.until("queued", WAIT, () -> writer.queued() == 2);
            Future<String> ok2 = callers.submit(() -> writer.submit(add("ok2"), WAIT));
            Await.until("queued", WAIT, () -> writer.queued() == 3);
            release.countDown();
            assertEquals("ok1", ok1.get());
            assertEquals("ok2", ok2.get());
            java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class, bad::get);
            assertTrue(failed.getCause() instanceof StoreUnavailableException, failed.toString());
        }
        assertEquals(List.of("held", "ok1", "ok2"), transactions.all(), "the others once each, the bad one never");
    }

    @Test
    void aDatabaseThatCannotBeginFailsTheBatchAtOnce() {
        transactions.databaseDown = true;
        StoreUnavailableException down = assertThrows(StoreUnavailableException.class, () -> writer.submit(add("x"), WAIT));
        assertTrue(down.getMessage().contains("connection refused"), down.getMessage());
        transactions.databaseDown = false;
        assertEquals("y", writer.submit(add("y"), WAIT), "and works again when the database is back");
    }

    @Test
    void aWriteWhoseCallerGaveUpIsNeverRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = callers.submit(() -> writer.submit(held(release), WAIT));
            assertTrue(holding.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS), "the writer holds the first");
            StoreUnavailableException late = assertThrows(StoreUnavailableException.class,
                    () -> writer.submit(add("late"), Duration.ofMillis(100)));
            assertTrue(late.getMessage().contains("not committed within 100 ms"), late.getMessage());
            release.countDown();
            first.get();
        }
        assertEquals("after", writer.submit(add("after"), WAIT));
        assertEquals(List.of("held", "after"), transactions.all(), "the withdrawn write was not stored after its caller was told no");
    }
}
