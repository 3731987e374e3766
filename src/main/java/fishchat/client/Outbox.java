package fishchat.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The user's requests in the order given, each kept until the server has answered it, so
 * that nothing typed is lost to a dropped connection. An entry is "deferred" when it could
 * not go out at once (typed while disconnected, or caught by a lost connection): those are
 * reported together once resent, not one by one.
 */
public final class Outbox {
    /** One request and whether it waited for a reconnect. */
    public static final class Entry {
        private final Outgoing request;
        private boolean deferred; // guarded by the outbox's lock

        private Entry(Outgoing request, boolean deferred) {
            this.request = request;
            this.deferred = deferred;
        }

        public Outgoing request() {
            return request;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    /** @param deferred true when it cannot go out now (no connection) */
    public void add(Outgoing request, boolean deferred) {
        lock.lock();
        try {
            entries.add(new Entry(request, deferred));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The oldest entry, waiting for one; it stays in the outbox until {@link #remove}d. */
    Entry awaitHead() throws InterruptedException {
        lock.lock();
        try {
            while (entries.isEmpty()) {
                changed.await();
            }
            return entries.peek();
        } finally {
            lock.unlock();
        }
    }

    /** Removes an answered entry; true when it had been deferred. */
    boolean remove(Entry entry) {
        lock.lock();
        try {
            entries.remove(entry);
            changed.signalAll();
            return entry.deferred;
        } finally {
            lock.unlock();
        }
    }

    /** The connection was lost: everything still here waits for the next one. */
    void deferAll() {
        lock.lock();
        try {
            for (Entry e : entries) {
                e.deferred = true;
            }
        } finally {
            lock.unlock();
        }
    }

    boolean anyDeferred() {
        lock.lock();
        try {
            return entries.stream().anyMatch(e -> e.deferred);
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every entry was answered; false when {@code giveUp} turned true first
     * (checked at least every {@code poll}) or the thread was interrupted.
     */
    public boolean awaitEmpty(Duration poll, BooleanSupplier giveUp) {
        lock.lock();
        try {
            while (!entries.isEmpty()) {
                if (giveUp.getAsBoolean()) {
                    return false;
                }
                changed.await(poll.toNanos(), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
