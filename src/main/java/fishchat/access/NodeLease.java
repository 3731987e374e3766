package fishchat.access;

import fishchat.common.Fatal;
import fishchat.store.Presence;
import fishchat.store.PresenceStore;
import fishchat.store.StoreUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * This node's lease on its presence rows, renewed every {@link #RENEW_EVERY} for {@link #LEASE},
 * and the sweep of other nodes whose lease ran out: a node killed with -9 has its users offline
 * within {@code LEASE + RENEW_EVERY} (9 s, under etcd's 10 s TTL for the same node), whichever node
 * sweeps first. The lease is kept in the store that holds the rows, not in etcd: the node that
 * judges another dead reads the same database that the dead node wrote, so a node cut off from
 * etcd but not from the store keeps its users, and deployments without etcd get the same answer.
 * A lease found lost (this node was cut off longer than the lease and swept) makes every user
 * here be written again.
 */
final class NodeLease {
    private static final System.Logger LOG = System.getLogger(NodeLease.class.getName());
    static final Duration RENEW_EVERY = Duration.ofSeconds(2);
    /** Long enough to outlast two missed renewals (a slow store), short enough to stay under etcd's 10 s TTL with a sweep. */
    static final Duration LEASE = Duration.ofSeconds(7);

    private final String node;
    private final PresenceStore store;
    private final Runnable lost;
    private final Consumer<List<Presence>> changes;
    private final Clock clock;
    private Thread thread;
    private volatile boolean running;
    private final Semaphore stopped = new Semaphore(0);
    private boolean failing;

    /**
     * @param lost    run when the lease had been lost: every user here must be written again
     * @param changes where the users the sweeps took offline go (the watching sessions)
     */
    NodeLease(String node, PresenceStore store, Runnable lost, Consumer<List<Presence>> changes, Clock clock) {
        this.node = node;
        this.store = store;
        this.lost = lost;
        this.changes = changes;
        this.clock = clock;
    }

    /** Takes the lease at once (before any session logs in), then keeps it from a thread of its own. */
    void start() {
        tick();
        running = true;
        thread = Thread.ofVirtual().name("node-lease").start(this::run);
    }

    private void run() {
        while (running) {
            try {
                // A stop wakes this at once; it never interrupts a store call (which would report a failure).
                if (stopped.tryAcquire(RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS) || !running) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                tick();
            } catch (RuntimeException | Error e) {
                Fatal.unexpected("node lease", e);
            }
        }
    }

    private void tick() {
        try {
            long now = clock.millis();
            if (!store.renewLease(node, now, LEASE)) {
                lost.run();
            }
            List<Presence> swept = store.sweepExpired(now);
            if (!swept.isEmpty()) {
                LOG.log(INFO, "presence: {0} users went offline with nodes whose lease ran out", swept.size());
                changes.accept(swept);
            }
            if (failing) {
                LOG.log(INFO, "presence: node lease renewed again");
                failing = false;
            }
        } catch (StoreUnavailableException e) {
            if (!failing) {
                LOG.log(WARNING, "presence: cannot renew this node''s lease ({0}); retrying every {1} s", e.getMessage(),
                        String.valueOf(RENEW_EVERY.toSeconds()));
                failing = true;
            }
        }
    }

    /** Stops renewing and takes this node's users offline at once (an orderly stop; a store that fails leaves that to the lease). */
    void stop() {
        running = false;
        stopped.release();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            store.leave(node, clock.millis());
        } catch (StoreUnavailableException e) {
            LOG.log(WARNING, "presence: could not take this node''s users offline ({0}); other nodes do when its lease "
                    + "runs out, within {1} s", e.getMessage(), String.valueOf(LEASE.plus(RENEW_EVERY).toSeconds()));
        }
    }
}
