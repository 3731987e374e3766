package fishchat.libnet;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs work that may block deep in a call chain (e.g. a handler waiting for a database) on
 * a short-lived virtual thread, while the calling session thread waits for it at a shallow
 * frame. The caller sees the work as if it had run inline: it returns when the work is
 * done, with the work's exception if it threw one.
 *
 * <p>Why: when a virtual thread parks, the JDK copies its frames into a heap object (a stack
 * chunk) and keeps that chunk for the thread's later parks. JDK 25 (continuationFreezeThaw.cpp)
 * freezes into the thread's last chunk while that chunk is young and has room, so a chunk
 * sized for one deep park is reused, at its full size, by the shallow parks after it; and
 * a chunk that has reached the old generation is thawed lazily (the top frames, then one
 * frame per return), so the frames that never return, at the bottom of the thread, keep it
 * for as long as the thread lives. A session thread that parked once deep in a handler
 * would thus carry a chunk sized for that depth for the rest of the session, though it
 * idles in a shallow read. Work run here parks on its own thread, whose chunks are garbage once
 * it ends; the session thread parks only in its read and in this wait, which is shallower.
 *
 * <p>The cost is a virtual thread start per call: meant for requests that block anyway
 * (a store round trip), not for those answered from memory. The work thread carries the
 * caller's name (log lines look the same); an interrupt of the caller is passed on to it.
 */
final class DeepWork {
    private DeepWork() {
    }

    /** Runs {@code work} on a fresh virtual thread and waits for it; rethrows what it threw. */
    static void run(Session.Writes work) throws IOException {
        Outcome outcome = new Outcome(work, Thread.currentThread());
        Thread thread = Thread.ofVirtual().name(outcome.waiter.getName()).start(outcome);
        // LockSupport rather than Thread.join: join parks several frames deeper (a latch, AQS),
        // and this wait is what the session thread's stack chunk must hold.
        boolean interrupted = false;
        while (!outcome.done) {
            LockSupport.park(outcome);
            if (Thread.interrupted() && !interrupted) {
                interrupted = true;
                thread.interrupt(); // as if the work ran here: a blocking call in it sees the interrupt
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable failure = outcome.failure;
        if (failure instanceof IOException e) {
            throw e;
        } else if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IllegalStateException(failure); // Writes.run throws no other checked exception
        }
    }

    /** The work, what it threw (written before {@code done}), and who waits for it. */
    private static final class Outcome implements Runnable {
        private final Session.Writes work;
        private final Thread waiter;
        private Throwable failure;
        private volatile boolean done;

        Outcome(Session.Writes work, Thread waiter) {
            this.work = work;
            this.waiter = waiter;
        }

        @Override
        public void run() {
            try {
                work.run();
            } catch (Throwable t) {
                failure = t;
            } finally {
                done = true;
                LockSupport.unpark(waiter);
            }
        }
    }
}
