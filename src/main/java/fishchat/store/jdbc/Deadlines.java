package fishchat.store.jdbc;

import fishchat.common.Fatal;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines of store calls, checked by one thread every {@link #TICK_MILLIS}, so that a
 * caller can wait for its result without a timeout.
 *
 * <p>Why not {@code future.get(timeout)}: on a virtual thread a timed wait schedules a
 * timer task on the JDK's delay scheduler and cancels it when the result comes, which
 * wakes that scheduler's thread twice per call. With a write and a read per chat message,
 * profiling showed those wake-ups at 6–8 % of the server's CPU (docs/BENCHMARKS.md). A
 * deadline here costs a queue node, and may fire up to one tick late.
 */
public final class Deadlines implements AutoCloseable {
    static final long TICK_MILLIS = 50;

    /** What to do when a deadline passes while the future is still not done. */
    @FunctionalInterface
    public interface Expiry {
        /** @return a later deadline (System.nanoTime()) to be called again at, or 0 when finished */
        long expired(long now);
    }

    private static final class Watch {
        final Future<?> future;
        final Expiry expiry;
        long deadline; // touched by the checking thread only, after publication through the queue

        Watch(Future<?> future, long deadline, Expiry expiry) {
            this.future = future;
            this.deadline = deadline;
            this.expiry = expiry;
        }
    }

    private final ConcurrentLinkedQueue<Watch> watches = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    public Deadlines(String name) {
        this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
    }

    /** Calls {@code expiry} once {@code deadline} (System.nanoTime()) has passed, unless {@code future} is done by then. */
    public void watch(Future<?> future, long deadline, Expiry expiry) {
        watches.add(new Watch(future, deadline, expiry));
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                expire(System.nanoTime());
            } catch (RuntimeException | Error e) {
                Fatal.unexpected(thread.getName(), e);
            }
        }
    }

    /** Runs the expiries whose deadline has passed at {@code now} (System.nanoTime()); the checking thread calls it every tick. */
    void expire(long now) {
        for (Iterator<Watch> i = watches.iterator(); i.hasNext(); ) {
            Watch w = i.next();
            if (w.future.isDone()) {
                i.remove();
            } else if (now - w.deadline >= 0) {
                long next = w.expiry.expired(now);
                if (next == 0) {
                    i.remove();
                } else {
                    w.deadline = next;
                }
            }
        }
    }

    /** The System.nanoTime() deadline {@code timeout} from now. */
    public static long after(java.time.Duration timeout) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout.toMillis());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
