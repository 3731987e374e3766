package fishchat.libnet;

import java.time.Duration;

/**
 * Cuts sessions that are silent too long (idle timeout), that never sent a complete frame
 * (handshake timeout: half-open and slowloris connections), or whose socket write has been
 * blocked too long (write timeout), by scanning the registry a few times per timeout.
 *
 * <p>Why a sweeper and not socket timeouts: a read with SO_TIMEOUT arms and disarms a timer
 * on every read, which profiling showed to be a tenth of a gateway's CPU per request; a
 * blocking write has no timeout at all. Here a frame costs one volatile store, and the
 * deadline is kept within a quarter of the timeout. Closing the socket from this thread is
 * what unblocks the session's read or write.
 */
final class SessionSweeper {
    private final SessionRegistry registry;
    private final long idleNanos;
    private final long writeNanos;
    private final long handshakeNanos;
    private final Thread thread;
    private volatile boolean running = true;

    /** A zero duration switches that check off. */
    SessionSweeper(SessionRegistry registry, Duration handshakeTimeout, Duration idleTimeout, Duration writeTimeout,
                   String name) {
        this.registry = registry;
        this.handshakeNanos = handshakeTimeout.toNanos();
        this.idleNanos = idleTimeout.toNanos();
        this.writeNanos = writeTimeout.toNanos();
        long shortest = Math.min(orMax(handshakeNanos), Math.min(orMax(idleNanos), orMax(writeNanos)));
        // A quarter of the shortest timeout: a scan costs about a microsecond per session, so
        // scanning 100 000 idle sessions every second would itself keep a core busy.
        long periodMillis = Math.max(10, Duration.ofNanos(shortest).toMillis() / 4);
        this.thread = Thread.ofVirtual().name(name + "-sweeper").unstarted(() -> run(periodMillis));
    }

    private static long orMax(long nanos) {
        return nanos == 0 ? Long.MAX_VALUE : nanos;
    }

    static boolean needed(ServerOptions options) {
        return !options.handshakeTimeout().isZero() || !options.idleTimeout().isZero() || !options.writeTimeout().isZero();
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
                if (writeNanos != 0 && session.writeBlockedNanos(now) > writeNanos) {
                    session.close("write blocked for over " + Duration.ofNanos(writeNanos).toMillis() + " ms (client not reading)");
                } else if (handshakeNanos != 0 && session.ungreetedNanos(now) > handshakeNanos) {
                    session.close("no complete frame within " + Duration.ofNanos(handshakeNanos).toMillis() + " ms of connecting");
                } else if (idleNanos != 0 && session.silentNanos(now) > idleNanos) {
                    session.close("idle for " + Duration.ofNanos(idleNanos).toSeconds() + " s");
                }
            }
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
    }
}
