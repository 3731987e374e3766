package fishchat.store.jdbc;

import fishchat.common.Fatal;
import fishchat.metrics.Metrics;
import fishchat.store.StoreUnavailableException;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The one thread that writes: it takes every write waiting in its queue (up to a batch
 * limit), runs them in one transaction and commits once, so N concurrent senders cost one
 * fsync instead of N. A platform thread, because an engine may be native code (SQLite)
 * that would hold a virtual thread's carrier for the whole commit.
 *
 * <p>When a write fails, the batch is rolled back and each write is retried alone, so one
 * bad write fails only its own caller. When the transaction cannot start or commit (the
 * database is gone), the whole batch fails at once: retrying each alone would only make
 * every caller wait for the same failure.
 */
public final class GroupCommitWriter<C> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GroupCommitWriter.class.getName());
    private static final int MAX_BATCH = 512;
    /** Writes waiting at most; past it a caller is answered "overloaded" at once, not after its timeout. */
    private static final int MAX_QUEUED = 20_000;
    /**
     * How long a caller whose write is already in a transaction waits for its outcome past
     * its timeout: with the store's 4 s that answers within the protocol's 5 s. Only a commit stuck
     * longer than this (a stalled disk) can still land after the caller was answered 90001.
     */
    private static final Duration COMMIT_OUTCOME_WAIT = Duration.ofSeconds(1);

    private final BatchTransactions<C> transactions;
    private final LinkedBlockingQueue<Pending<C, ?>> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread thread;
    private final Deadlines deadlines;
    private volatile boolean running = true;
    /** Set once metrics are wired; null until then. */
    private volatile Metrics.Histogram commitLatency;
    private volatile Metrics.Counter commits;
    /** The last commit's failure, cleared by the next successful commit. */
    private volatile String lastFailure;

    /** A queued write. {@code state} decides, once, whether the writer runs it or its caller withdrew it. */
    private record Pending<C, T>(SqlWork<C, T> work, CompletableFuture<T> result, AtomicInteger state) {
        static final int QUEUED = 0;
        static final int TAKEN = 1;
        static final int WITHDRAWN = 2;
        /** Taken, and its caller's deadline passed: the caller waits a last moment for the outcome. */
        static final int OVERDUE = 3;

        Pending(SqlWork<C, T> work) {
            this(work, new CompletableFuture<>(), new AtomicInteger(QUEUED));
        }
    }

    public GroupCommitWriter(BatchTransactions<C> transactions, String name) {
        this.transactions = transactions;
        this.deadlines = new Deadlines(name + "-deadlines");
        this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
    }

    /** Queues a write and waits until it is committed (or failed, or {@code timeout} passed). */
    public <T> T submit(SqlWork<C, T> work, Duration timeout) {
        if (!running) {
            throw new StoreUnavailableException("store closed", null);
        }
        Pending<C, T> pending = new Pending<>(work);
        if (!queue.offer(pending)) {
            throw new StoreUnavailableException("store overloaded: " + MAX_QUEUED + " writes waiting", null);
        }
        deadlines.watch(pending.result(), Deadlines.after(timeout), now -> expire(pending, timeout, now));
        try {
            return pending.result().get(); // untimed: the deadline is kept by `deadlines` (see Deadlines)
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DeadlinePassed late) {
                throw new StoreUnavailableException(late.getMessage(), late);
            }
            throw new StoreUnavailableException("store write failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            pending.state().compareAndSet(Pending.QUEUED, Pending.WITHDRAWN);
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the store", e);
        }
    }

    /**
     * A write's deadline passed. Still queued: withdraw it, so that it is never stored after
     * its caller was told "not stored". Already in a transaction: its outcome is moments
     * away and only that outcome may be reported, so wait {@link #COMMIT_OUTCOME_WAIT} more.
     */
    private static long expire(Pending<?, ?> pending, Duration timeout, long now) {
        if (pending.state().compareAndSet(Pending.QUEUED, Pending.WITHDRAWN)) {
            pending.result().completeExceptionally(
                    new DeadlinePassed("store write not committed within " + timeout.toMillis() + " ms"));
            return 0;
        }
        if (pending.state().compareAndSet(Pending.TAKEN, Pending.OVERDUE)) {
            return now + COMMIT_OUTCOME_WAIT.toNanos();
        }
        pending.result().completeExceptionally(new DeadlinePassed("store write still not committed after "
                + timeout.plus(COMMIT_OUTCOME_WAIT).toMillis() + " ms"));
        return 0;
    }

    /** A store call's deadline passed before its outcome was known. */
    static final class DeadlinePassed extends Exception {
        DeadlinePassed(String message) {
            super(message, null, false, false);
        }
    }

    private void loop() {
        List<Pending<C, ?>> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending<C, ?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                // close() interrupts only after running = false: drain what is left.
            } catch (RuntimeException | Error e) {
                fail(batch, e);
                Fatal.unexpected("store writer", e);
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending<C, ?>> batch) {
        long started = System.nanoTime();
        C tx;
        try {
            tx = transactions.begin();
        } catch (SQLException | RuntimeException e) {
            giveUp(batch, e);
            return;
        }
        // Results are completed only after the commit: nothing is acknowledged before it is durable.
        List<Runnable> completions = new ArrayList<>(batch.size());
        try {
            for (Pending<C, ?> p : batch) {
                completions.add(capture(tx, p));
            }
        } catch (SQLException | RuntimeException e) {
            transactions.rollback(tx);
            if (batch.size() == 1) {
                giveUp(batch, e);
            } else {
                LOG.log(DEBUG, "batch of {0} failed ({1}); retrying each alone", String.valueOf(batch.size()), e.getMessage());
                for (Pending<C, ?> p : batch) {
                    commit(List.of(p));
                }
            }
            return;
        }
        try {
            transactions.commit(tx);
        } catch (SQLException | RuntimeException e) {
            transactions.rollback(tx);
            giveUp(batch, e);
            return;
        }
        lastFailure = null;
        record(started);
        completions.forEach(Runnable::run);
    }

    private void giveUp(List<Pending<C, ?>> batch, Exception e) {
        lastFailure = String.valueOf(e.getMessage());
        LOG.log(WARNING, "store write failed ({0} writes): {1}", String.valueOf(batch.size()), e.getMessage());
        fail(batch, e);
    }

    /** Writes waiting now. */
    int queued() {
        return queue.size();
    }

    public void instrument(Metrics metrics) {
        commits = metrics.counter("fishchat_store_commits_total", "Store transactions committed (each one fsync)");
        commitLatency = metrics.latencyHistogram("fishchat_store_commit_seconds",
                "Time from BEGIN to a durable COMMIT of one batch of writes");
        metrics.gauge("fishchat_store_queue_length", "Writes waiting for the store writer", queue::size);
    }

    private void record(long startedNanos) {
        Metrics.Histogram histogram = commitLatency;
        if (histogram != null) {
            histogram.observeNanos(System.nanoTime() - startedNanos);
            commits.inc();
        }
    }

    /** Why writes fail now: closed, or the last commit's error; null when writes work. */
    public String lastFailure() {
        return running ? lastFailure : "closed";
    }

    /** Clears the last failure once the caller knows its cause has gone (the database answers again). */
    public void forgetFailure() {
        lastFailure = null;
    }

    /** Runs the work now, unless its caller withdrew it; returns what completes its future later. */
    private <T> Runnable capture(C tx, Pending<C, T> p) throws SQLException {
        if (p.state().get() == Pending.WITHDRAWN
                || (p.state().get() == Pending.QUEUED && !p.state().compareAndSet(Pending.QUEUED, Pending.TAKEN))) {
            return () -> { }; // the caller timed out before the writer took it and was told "not stored"
        }
        T value = p.work().apply(tx);
        return () -> p.result().complete(value);
    }

    private static void fail(List<? extends Pending<?, ?>> batch, Throwable cause) {
        for (Pending<?, ?> p : batch) {
            p.result().completeExceptionally(cause);
        }
    }

    /** {@link #stop()}, for try-with-resources. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Commits what is queued, then stops the thread. Returns false when the thread was still
     * busy after 10 s: then the caller must leave the database open under it.
     */
    public boolean stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Whatever came in after the last batch will never run: fail it now rather than at its timeout.
        List<Pending<C, ?>> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new StoreUnavailableException("store closed", null));
        deadlines.close();
        if (thread.isAlive()) {
            LOG.log(WARNING, "store writer still busy after 10 s; leaving the database open");
            return false;
        }
        return true;
    }
}
