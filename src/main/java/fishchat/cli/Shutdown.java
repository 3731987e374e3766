package fishchat.cli;

import sun.misc.Signal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Keeps a server command running until SIGTERM or SIGINT, then runs its orderly stop and
 * returns, so that the command exits 0 (a JVM stopped through its shutdown hooks exits
 * 143). A second signal exits at once, and so does a stop that overruns its grace period
 * by more than a few seconds.
 */
final class Shutdown {
    private static final System.Logger LOG = System.getLogger(Shutdown.class.getName());
    /**
     * Beyond the grace period, the rest of an orderly stop is bounded too (an etcd delete
     * ~4 s, store calls 5 s, the store's close): past grace + this, the process exits anyway.
     * systemd's TimeoutStopSec (etc/systemd) is set above it.
     */
    private static final Duration OVERRUN = Duration.ofSeconds(15);

    private Shutdown() {
    }

    /** Blocks until a signal, then runs {@code stop} (which should take at most {@code grace}). */
    static void await(Duration grace, Runnable stop) {
        CountDownLatch requested = new CountDownLatch(1);
        AtomicInteger signals = new AtomicInteger();
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                if (signals.incrementAndGet() == 1) {
                    LOG.log(INFO, "SIG{0}: shutting down within {1} s; a second signal exits at once",
                            signal.getName(), String.valueOf(grace.toSeconds()));
                    requested.countDown();
                } else {
                    LOG.log(WARNING, "SIG{0} again: exiting now", signal.getName());
                    Logging.flush();
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
            });
        }
        try {
            requested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Thread overrun = Thread.ofPlatform().daemon(true).name("shutdown-overrun").start(() -> {
            try {
                Thread.sleep(grace.plus(OVERRUN));
                LOG.log(WARNING, "shutdown took longer than {0} s: exiting now", String.valueOf(grace.plus(OVERRUN).toSeconds()));
                Logging.flush();
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException e) {
                // stopped in time
            }
        });
        stop.run();
        overrun.interrupt();
        LOG.log(INFO, "shutdown complete");
    }
}
