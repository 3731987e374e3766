package fishchat.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Strikes process faults one after the other on its own thread: each round is every fault
 * kind once in a shuffled order, with a random pause (half to one and a half times the
 * interval) before each. One fault is repaired before the next strikes. Stopping lets the
 * fault in hand finish its repair, so the deployment is whole afterwards.
 */
final class FaultInjector {
    private final List<Fault> faults;
    private final long intervalMillis;
    private final Random random;
    private final ChaosLog log;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch firstRoundDone = new CountDownLatch(1);
    private volatile Throwable failure;
    private final Thread thread;

    FaultInjector(List<Fault> faults, long intervalMillis, long seed, ChaosLog log) {
        this.faults = List.copyOf(faults);
        this.intervalMillis = intervalMillis;
        this.random = new Random(seed);
        this.log = log;
        faults.forEach(f -> counts.put(f.kind(), new AtomicInteger()));
        this.thread = Thread.ofPlatform().daemon().name("chaos-faults").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (true) {
                List<Fault> round = new ArrayList<>(faults);
                Collections.shuffle(round, random);
                for (Fault fault : round) {
                    if (stop.await(Fault.pause(random, intervalMillis / 2, intervalMillis * 3 / 2), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    String what = fault.strike(random);
                    int n = counts.get(fault.kind()).incrementAndGet();
                    log.line("fault " + fault.kind() + " #" + n + ": " + what);
                }
                firstRoundDone.countDown();
            }
        } catch (Throwable t) {
            failure = t; // a repair that failed: the round cannot go on meaningfully
            log.line("fault injection failed: " + t);
            firstRoundDone.countDown();
        }
    }

    /** Waits (bounded) until every fault kind has struck once; false on timeout. */
    boolean awaitFirstRound(long millis) throws InterruptedException {
        return firstRoundDone.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Stops after the fault in hand is repaired; waits for that (bounded). */
    void stopAndJoin() throws InterruptedException {
        stop.countDown();
        thread.join(180_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("a fault did not finish its repair within 180 s");
        }
    }

    /** Strikes per kind, in the order the faults were given. */
    Map<String, Integer> counts() {
        Map<String, Integer> ordered = new java.util.LinkedHashMap<>();
        faults.forEach(f -> ordered.put(f.kind(), counts.get(f.kind()).get()));
        return ordered;
    }

    Throwable failure() {
        return failure;
    }
}
