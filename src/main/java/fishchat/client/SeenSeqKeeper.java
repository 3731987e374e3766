package fishchat.client;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Keeps a {@link SeenSeqFile} up to date without a file write per message: the newest seq
 * shown is noted in memory, and written at most once a {@code period} and once more at close.
 * A client killed outright forgets at most one period's worth, which the next start shows
 * again as new: nothing is hidden.
 */
public final class SeenSeqKeeper implements AutoCloseable {
    private final SeenSeqFile file;
    private final Duration period;
    private final Consumer<String> problems;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long seen;     // guarded by lock
    private long written;  // guarded by lock
    private boolean closed;    // guarded by lock
    private volatile boolean complained;
    private final Thread writer;

    /**
     * @param seen     the seq already in the file (or 0)
     * @param problems told once when the file cannot be written (a full disk must not stop the chat)
     */
    public SeenSeqKeeper(SeenSeqFile file, long seen, Duration period, Consumer<String> problems) {
        this.file = file;
        this.period = period;
        this.problems = problems;
        this.seen = seen;
        this.written = seen;
        this.writer = Thread.ofVirtual().name("chat-seen-writer").start(this::writeLoop);
    }

    /** This device has now shown everything up to {@code seq}. */
    public void advance(long seq) {
        lock.lock();
        try {
            if (seq > seen) {
                seen = seq;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                lock.lock();
                try {
                    while (!closed && seen == written) {
                        changed.await();
                    }
                    if (closed) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                writeNow();
                lock.lock();
                try {
                    long nanos = period.toNanos(); // at most one write per period
                    while (!closed && nanos > 0) {
                        nanos = changed.awaitNanos(nanos);
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeNow() {
        long value;
        lock.lock();
        try {
            value = seen;
            if (value == written) {
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            file.write(value);
            lock.lock();
            try {
                written = Math.max(written, value);
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            if (!complained) {
                complained = true;
                problems.accept("cannot save what this device has seen to " + file.path() + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try { // no interrupt: it would close the file channel of a write under way
            writer.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeNow();
    }
}
