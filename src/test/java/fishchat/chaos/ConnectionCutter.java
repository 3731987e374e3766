package fishchat.chaos;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cuts a random user's connection with a TCP reset every so often (half to one and a half
 * times the interval), whatever it is doing: mid-send, mid-sync or idle. Runs beside the
 * process faults, which it does not wait for.
 */
final class ConnectionCutter {
    private final List<LoadUser> users;
    private final long intervalMillis;
    private final Random random;
    private final ChaosLog log;
    private final AtomicInteger cuts = new AtomicInteger();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    ConnectionCutter(List<LoadUser> users, long intervalMillis, long seed, ChaosLog log) {
        this.users = List.copyOf(users);
        this.intervalMillis = intervalMillis;
        this.random = new Random(seed);
        this.log = log;
        this.thread = Thread.ofPlatform().daemon().name("chaos-cuts").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (!stop.await(Fault.pause(random, intervalMillis / 2, intervalMillis * 3 / 2), TimeUnit.MILLISECONDS)) {
                int i = random.nextInt(users.size());
                if (users.get(i).cut()) {
                    log.line("fault cut #" + cuts.incrementAndGet() + ": reset the connection of user " + (i + 1));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stopAndJoin() throws InterruptedException {
        stop.countDown();
        thread.join(10_000);
    }

    int cuts() {
        return cuts.get();
    }
}
