package fishchat.access;

import fishchat.common.Fatal;
import fishchat.store.MessageStore;
import fishchat.store.StoreUnavailableException;

import java.time.Clock;
import java.time.Duration;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/** Deletes messages older than the retention period, once at start and then every hour. */
final class RetentionTask {
    private static final System.Logger LOG = System.getLogger(RetentionTask.class.getName());
    private static final Duration PERIOD = Duration.ofHours(1);
    /** Rows per purge transaction: small enough that sends queued behind it wait milliseconds. */
    static final int CHUNK = 2000;

    private final MessageStore store;
    private final Duration retention;
    private final Clock clock;
    private Thread thread;

    RetentionTask(MessageStore store, Duration retention, Clock clock) {
        this.store = store;
        this.retention = retention;
        this.clock = clock;
    }

    void start() {
        thread = Thread.ofVirtual().name("retention").start(this::run);
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long cutoff = clock.millis() - retention.toMillis();
                long deleted = 0;
                long chunk;
                do {
                    chunk = store.purgeOlderThan(cutoff, CHUNK);
                    deleted += chunk;
                } while (chunk == CHUNK && !Thread.currentThread().isInterrupted());
                if (deleted > 0) {
                    LOG.log(INFO, "retention: deleted {0} messages older than {1}", String.valueOf(deleted), retention);
                }
            } catch (StoreUnavailableException e) {
                LOG.log(WARNING, "retention: purge failed: {0}", e.getMessage());
            } catch (RuntimeException | Error e) {
                Fatal.unexpected("retention", e);
            }
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void stop() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
