package fishchat.access;

import fishchat.common.Fatal;
import fishchat.store.Presence;
import fishchat.store.PresenceStore;
import fishchat.store.StoreUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongToIntFunction;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Writes this node's device count of each user to the store's presence rows, off the sessions'
 * threads: a login or a close only marks its user; one thread writes the marked users' counts as
 * they are when it gets to them, many per transaction, so a burst of logins costs a few writes and
 * a user who comes and goes quickly is written once. The changes the store reports are handed to
 * {@code changes} (the watching sessions). When the store cannot write, the users stay marked and
 * are tried again a second later.
 */
final class PresenceRecorder {
    private static final System.Logger LOG = System.getLogger(PresenceRecorder.class.getName());
    private static final int CHUNK = 500;
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final String node;
    private final PresenceStore store;
    private final LongToIntFunction devicesHere;
    private final Consumer<List<Presence>> changes;
    private final Clock clock;
    private final Set<Long> marked = ConcurrentHashMap.newKeySet();
    private final Semaphore wake = new Semaphore(0);
    private Thread thread;
    private volatile boolean running;
    private boolean failing;

    PresenceRecorder(String node, PresenceStore store, LongToIntFunction devicesHere, Consumer<List<Presence>> changes,
                     Clock clock) {
        this.node = node;
        this.store = store;
        this.devicesHere = devicesHere;
        this.changes = changes;
        this.clock = clock;
    }

    /** {@code uid}'s sessions here changed. Never blocks. */
    void changed(long uid) {
        marked.add(uid);
        wake.release();
    }

    /** Every one of {@code uids} is to be written again (the node's lease was lost). */
    void changedAll(Collection<Long> uids) {
        marked.addAll(uids);
        wake.release();
    }

    void start() {
        running = true;
        thread = Thread.ofVirtual().name("presence-recorder").start(this::run);
    }

    /**
     * Stops writing once the write in hand is done (not interrupted: the store would report that as
     * a failure); what is still marked is dropped (the node's orderly stop clears its rows at once).
     */
    void stop() {
        running = false;
        wake.release();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (running) {
            try {
                wake.tryAcquire(1, TimeUnit.SECONDS);
                wake.drainPermits();
                while (running && !marked.isEmpty()) {
                    writeChunk();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                Fatal.unexpected("presence recorder", e);
            }
        }
    }

    private void writeChunk() throws InterruptedException {
        List<Long> uids = new ArrayList<>(CHUNK);
        for (Iterator<Long> i = marked.iterator(); i.hasNext() && uids.size() < CHUNK; ) {
            uids.add(i.next());
            i.remove(); // marked again by a change after this point: written again next round
        }
        Map<Long, Integer> counts = new HashMap<>(uids.size() * 2);
        for (long uid : uids) {
            counts.put(uid, devicesHere.applyAsInt(uid));
        }
        try {
            List<Presence> changed = store.record(node, counts, clock.millis());
            if (failing) {
                LOG.log(INFO, "presence: recording works again");
                failing = false;
            }
            if (!changed.isEmpty()) {
                changes.accept(changed);
            }
        } catch (StoreUnavailableException e) {
            marked.addAll(uids);
            if (!failing) {
                LOG.log(WARNING, "presence: cannot record {0} users ({1}); retrying every {2} s", uids.size(),
                        e.getMessage(), String.valueOf(RETRY.toSeconds()));
                failing = true;
            }
            Thread.sleep(RETRY);
        }
    }
}
