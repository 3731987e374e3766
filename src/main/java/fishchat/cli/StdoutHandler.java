package fishchat.cli;

import java.io.PrintStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Logs to standard output through one writer thread, so that journald and pipes get every
 * line promptly while a session thread never waits for them.
 *
 * <p>Why asynchronous: session threads log (open, login, close). Had they written stdout
 * themselves, a slow reader of stdout or a burst of connections would park them inside the
 * logging call; a virtual thread parked that deep keeps a large stack chunk for the rest of
 * its life (measured: ~3 KB per idle connection), and on JDK 21 a {@code synchronized}
 * write would also pin its carrier. Here a record is formatted by the caller and handed
 * over through a lock-free queue; past {@link #MAX_QUEUED} lines the newest are dropped
 * and counted, and the count is reported when the writer catches up.
 */
public final class StdoutHandler extends Handler {
    static final int MAX_QUEUED = 10_000;

    private final PrintStream out = System.out;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;

    public StdoutHandler() {
        setFormatter(new LineFormatter());
        writer = Thread.ofPlatform().name("log-writer").daemon(true).start(this::writeLoop);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line;
        try {
            line = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError("cannot format a log record", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        lines.add(line);
        LockSupport.unpark(writer);
    }

    private void writeLoop() {
        while (true) {
            if (!drain()) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    /** Writes what is queued; false when there was nothing. */
    private boolean drain() {
        String line = lines.poll();
        if (line == null) {
            return false;
        }
        do {
            out.print(line);
            queued.decrementAndGet(); // after printing: flush() must not return before the last line is out
        } while ((line = lines.poll()) != null);
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            out.print("(log: " + lost + " lines dropped: standard output did not keep up)\n");
        }
        out.flush();
        return true;
    }

    /** Waits (briefly) until what was logged so far is written: for shutdown and tests. */
    @Override
    public void flush() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (queued.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.unpark(writer);
            Thread.onSpinWait();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        out.flush();
    }

    @Override
    public void close() {
        flush(); // never close System.out
    }
}
