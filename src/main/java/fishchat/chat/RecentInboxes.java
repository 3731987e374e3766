package fishchat.chat;

import fishchat.store.StoredMessage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The newest entries of users' inboxes, kept in memory as this node stores them, so that the
 * sync a client makes right after a notify is answered without reading the store (no hand-off
 * to a reader thread, no query).
 *
 * <p>It answers only when it knows the answer is complete: for a user whose newest entries it
 * holds without a gap, from {@code after} up to the newest seq this node knows of. Entries stored
 * by other nodes (a shared PostgreSQL) are only heard of ({@link #heard}), never held: a user with
 * such an entry newer than what is held is read from the store until this node stores the next
 * one itself. So every write must reach it (this node's own, or heard of from the store's feed);
 * the embedded SQLite store is used by one process at a time for that reason.
 *
 * <p>Bounded: {@link #PER_USER} entries a user, each for {@link #HOLD_MILLIS} at most (so what
 * it answers is never older than anything retention would have purged from the store), and a
 * budget of bytes in all, the users least recently written to forgotten first. One lock, held for
 * a few map and deque operations.
 */
public final class RecentInboxes {
    /** Entries kept per user: a sync after a notify asks for the last few. */
    static final int PER_USER = 16;
    /** How long an entry is held: the sync it is for follows its notify within a round trip. */
    static final long HOLD_MILLIS = 30_000;
    /** What an entry costs beyond its strings: the records, the deque slot, the strings' headers. */
    private static final int ENTRY_OVERHEAD = 140;

    private final long budgetBytes;
    private final LongSupplier millis;
    private final ReentrantLock lock = new ReentrantLock();
    /** By uid, least recently written first. Guarded by {@link #lock}. */
    private final LinkedHashMap<Long, Tail> byUid = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;

    /**
     * @param budgetBytes roughly how much memory the entries may take in all
     * @param millis      the time now, in milliseconds
     */
    public RecentInboxes(long budgetBytes, LongSupplier millis) {
        this.budgetBytes = budgetBytes;
        this.millis = millis;
    }

    private record Held(StoredMessage entry, long heldSince) {
    }

    /** One user's newest entries, seqs without a gap, and the newest seq known to exist. */
    private static final class Tail {
        final ArrayDeque<Held> entries = new ArrayDeque<>(4);
        long known;

        long first() {
            return entries.isEmpty() ? 0 : entries.peekFirst().entry().seq();
        }

        long last() {
            return entries.isEmpty() ? 0 : entries.peekLast().entry().seq();
        }
    }

    /** An entry this node just committed to {@code uid}'s inbox. */
    public void stored(long uid, StoredMessage entry) {
        lock.lock();
        try {
            Tail tail = byUid.get(uid);
            if (tail == null) {
                tail = new Tail();
                byUid.put(uid, tail);
            }
            long seq = entry.seq();
            if (seq <= tail.last()) {
                return; // older than what is held (two sends to one user finished out of order): not needed
            }
            if (!tail.entries.isEmpty() && seq != tail.last() + 1) {
                drop(tail, tail.entries.size()); // a gap: start again from this entry
            }
            tail.entries.addLast(new Held(entry, millis.getAsLong()));
            bytes += cost(entry);
            tail.known = Math.max(tail.known, seq);
            if (tail.entries.size() > PER_USER) {
                drop(tail, 1);
            }
            evictOverBudget();
        } finally {
            lock.unlock();
        }
    }

    /** Another node stored an entry with this seq for {@code uid}: what is held is not the newest any more. */
    public void heard(long uid, long seq) {
        lock.lock();
        try {
            Tail tail = byUid.get(uid);
            if (tail != null) {
                tail.known = Math.max(tail.known, seq);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #after} would answer for {@code uid} from {@code after}. */
    public boolean covers(long uid, long after) {
        lock.lock();
        try {
            return covers(fresh(byUid.get(uid)), after);
        } finally {
            lock.unlock();
        }
    }

    private static boolean covers(Tail tail, long after) {
        return tail != null && !tail.entries.isEmpty() && tail.known == tail.last() && after >= tail.first() - 1;
    }

    /**
     * The entries of {@code uid}'s inbox after {@code after}, oldest first (at most {@code limit}),
     * when this knows all of them up to the newest; null when it does not (read the store).
     */
    public List<StoredMessage> after(long uid, long after, int limit) {
        lock.lock();
        try {
            Tail tail = fresh(byUid.get(uid));
            if (!covers(tail, after)) {
                return null;
            }
            List<StoredMessage> newer = new ArrayList<>(Math.min(limit, tail.entries.size()));
            for (Iterator<Held> i = tail.entries.descendingIterator(); i.hasNext(); ) {
                StoredMessage entry = i.next().entry();
                if (entry.seq() <= after) {
                    break;
                }
                newer.add(entry);
            }
            Collections.reverse(newer);
            return newer.size() > limit ? newer.subList(0, limit) : newer;
        } finally {
            lock.unlock();
        }
    }

    /** {@code tail} without the entries held too long (null stays null). */
    private Tail fresh(Tail tail) {
        if (tail != null) {
            long since = millis.getAsLong() - HOLD_MILLIS;
            while (!tail.entries.isEmpty() && tail.entries.peekFirst().heldSince() < since) {
                drop(tail, 1);
            }
        }
        return tail;
    }

    private void drop(Tail tail, int count) {
        for (int i = 0; i < count; i++) {
            bytes -= cost(tail.entries.removeFirst().entry());
        }
    }

    private void evictOverBudget() {
        if (bytes <= budgetBytes) {
            return;
        }
        Iterator<Map.Entry<Long, Tail>> eldest = byUid.entrySet().iterator();
        while (bytes > budgetBytes && eldest.hasNext()) {
            Tail tail = eldest.next().getValue();
            drop(tail, tail.entries.size());
            eldest.remove();
        }
    }

    private static long cost(StoredMessage entry) {
        return ENTRY_OVERHEAD + 2L * (entry.body().length() + entry.msgId().length());
    }

    /** Users held now (for tests). */
    int users() {
        lock.lock();
        try {
            return byUid.size();
        } finally {
            lock.unlock();
        }
    }
}
