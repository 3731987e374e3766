package fishchat.libnet;

import fishchat.common.Fatal;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends connections that never sent a complete unit in time (handshake timeout: half-open,
 * slowloris and silent connections), that went silent too long (idle timeout), or whose write
 * has been blocked too long (write timeout: a client that does not read), by scanning them a
 * few times per timeout.
 *
 * <p>Why a sweeper and not socket timeouts: a read with SO_TIMEOUT arms and disarms a timer on
 * every read, which profiling showed to be a tenth of a gateway's CPU per request; a blocking
 * write has no timeout at all. Here a frame costs one volatile store, and a deadline is kept
 * within a quarter of its timeout. Closing the socket from this thread is what unblocks the
 * connection's read or write.
 */
final class ConnectionSweeper {
    private final Collection<Connection> connections;
    private final long handshakeNanos;
    private final long idleNanos;
    private final long writeNanos;
    private final long periodMillis;
    private final Thread thread;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean running = true;

    /** A zero timeout switches that check off. */
    ConnectionSweeper(Collection<Connection> connections, ConnectionLimits limits) {
        this.connections = connections;
        this.handshakeNanos = limits.handshakeTimeout().toNanos();
        this.idleNanos = limits.idleTimeout().toNanos();
        this.writeNanos = limits.writeTimeout().toNanos();
        long shortest = Math.min(orMax(handshakeNanos), Math.min(orMax(idleNanos), orMax(writeNanos)));
        // A quarter of the shortest timeout: a scan costs about a microsecond per connection, so
        // scanning 100 000 idle sessions every second would itself keep a core busy.
        this.periodMillis = Math.max(10, Duration.ofNanos(shortest).toMillis() / 4);
        this.thread = Thread.ofVirtual().name(limits.name() + "-sweeper").unstarted(this::run);
    }

    private static long orMax(long nanos) {
        return nanos == 0 ? Long.MAX_VALUE : nanos;
    }

    static boolean needed(ConnectionLimits limits) {
        return !limits.handshakeTimeout().isZero() || !limits.idleTimeout().isZero() || !limits.writeTimeout().isZero();
    }

    void startOnce() {
        if (started.compareAndSet(false, true)) {
            thread.start();
        }
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
            try {
                sweep(System.nanoTime());
            } catch (Throwable e) {
                Fatal.unexpected(thread.getName(), e);
            }
        }
    }

    void sweep(long now) {
        for (Connection connection : connections) {
            String overdue = overdue(connection, now);
            if (overdue != null) {
                connection.close(overdue);
            }
        }
    }

    /** Why {@code connection} is to be closed at {@code now}, or null. */
    String overdue(Connection connection, long now) {
        if (writeNanos != 0 && connection.writeBlockedNanos(now) > writeNanos) {
            return "write blocked for over " + Duration.ofNanos(writeNanos).toMillis() + " ms (client not reading)";
        }
        if (connection.busy()) {
            return null; // its handler is at work: it is not expected to speak meanwhile
        }
        if (!connection.greeted()) {
            return handshakeNanos != 0 && connection.quietNanos(now) > handshakeNanos
                    ? "no complete frame or request within " + Duration.ofNanos(handshakeNanos).toMillis() + " ms" : null;
        }
        return idleNanos != 0 && connection.quietNanos(now) > idleNanos
                ? "idle for " + Duration.ofNanos(idleNanos).toSeconds() + " s" : null;
    }

    void stop() {
        running = false;
        thread.interrupt();
    }
}
