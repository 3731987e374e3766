package fishchat.libnet;

import java.time.Duration;

/**
 * Cuts sessions whose socket write has been blocked too long. A blocking socket write has
 * no timeout of its own; closing the socket from another thread is what unblocks it. One
 * virtual thread per server scans the registry a few times per timeout.
 */
final class WriteWatchdog {
    private final SessionRegistry registry;
    private final long timeoutNanos;
    private final Thread thread;
    private volatile boolean running = true;

    WriteWatchdog(SessionRegistry registry, Duration timeout, String name) {
        this.registry = registry;
        this.timeoutNanos = timeout.toNanos();
        long periodMillis = Math.max(10, timeout.toMillis() / 4);
        this.thread = Thread.ofVirtual().name(name + "-write-watchdog").unstarted(() -> run(periodMillis));
    }

    void start() {
        thread.start();
    }

    private void run(long periodMillis) {
        while (running) {
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Session session : registry.all()) {
                if (session.writeBlockedNanos(now) > timeoutNanos) {
                    session.close("write blocked for over " + Duration.ofNanos(timeoutNanos).toMillis() + " ms (client not reading)");
                }
            }
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
    }
}
