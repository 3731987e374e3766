package fishchat.libnet;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A session's way out: writes one at a time, and a queue for pushes.
 *
 * <p>Writes are serialized with a {@link ReentrantLock} (not {@code synchronized}, which would
 * pin a virtual thread to its carrier while the write blocks on JDK 21), and each is stamped on
 * the connection's write clock, so a client that stops reading is cut after the write timeout.
 * Replies are written by the thread that handles the request. Pushes from other threads go
 * through a small bounded queue drained by a short-lived virtual thread, so a pusher never
 * waits on a slow client; a full queue closes the session (the client is not reading; it
 * loses nothing, since it syncs by seq when it is back).
 */
final class SessionWriter {
    private final Session session;
    private final Connection connection;
    private final Transport transport;
    private final int queueCapacity;
    private final ServerStats stats;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by this (bookkeeping only, never held across I/O).
    private ArrayDeque<Outbound> queue;
    private boolean draining;

    SessionWriter(Session session, Connection connection, Transport transport, int queueCapacity, ServerStats stats) {
        this.session = session;
        this.connection = connection;
        this.transport = transport;
        this.queueCapacity = queueCapacity;
        this.stats = stats;
    }

    /** Writes on the caller's thread; a failed write closes the session. */
    void write(Frame frame) throws IOException {
        lock.lock();
        try {
            connection.writeStarted();
            transport.write(frame);
            stats.framesOut.increment();
            stats.bytesOut.add(frame.encoded().length);
        } catch (IOException e) {
            connection.close("write failed: " + e.getMessage());
            throw e;
        } finally {
            connection.writeEnded();
            lock.unlock();
        }
    }

    /** Runs {@code writes} with no push written meanwhile (the lock is reentrant: its writes take it again). */
    void holding(Session.Writes writes) throws IOException {
        lock.lock();
        try {
            writes.run();
        } finally {
            lock.unlock();
        }
    }

    /** Ends our direction after what was written, as a write: under the lock and the write clock. */
    void finishOutput(String reason) throws IOException {
        lock.lock();
        try {
            connection.writeStarted();
            transport.finishOutput(reason);
        } finally {
            connection.writeEnded();
            lock.unlock();
        }
    }

    /**
     * Queues a push; when one with the same {@code coalesceKey} (non-null) is still queued, its
     * frame becomes {@code whenCoalesced} instead. {@code closeAfter}, when set, ends the session
     * once the frame is out. False, and the session closed, when the queue is full; false when
     * the session is closed.
     */
    boolean push(Frame frame, Object coalesceKey, Frame whenCoalesced, String closeAfter) {
        boolean startDrainer = false;
        boolean overflow = false;
        synchronized (this) { // never held across I/O: only queue bookkeeping
            if (connection.isClosed()) {
                return false;
            }
            if (queue == null) {
                queue = new ArrayDeque<>(4);
            }
            if (!replaceQueued(coalesceKey, whenCoalesced)) {
                if (queue.size() >= queueCapacity) {
                    queue.clear();
                    overflow = true;
                } else {
                    queue.add(new Outbound(coalesceKey, frame, closeAfter));
                    startDrainer = !draining;
                    draining = true;
                }
            }
        }
        if (overflow) {
            connection.close("push queue full (client not reading)");
            return false;
        }
        if (startDrainer) {
            Thread.ofVirtual().name("push-" + connection.id()).start(this::drain);
        }
        return true;
    }

    private boolean replaceQueued(Object coalesceKey, Frame frame) {
        if (coalesceKey == null) {
            return false;
        }
        for (Outbound queued : queue) {
            if (coalesceKey.equals(queued.key)) {
                queued.frame = frame;
                return true;
            }
        }
        return false;
    }

    private void drain() {
        while (true) {
            Outbound next;
            synchronized (this) {
                next = queue.poll();
                if (next == null || connection.isClosed()) {
                    draining = false;
                    return;
                }
            }
            try {
                write(next.frame);
                if (next.closeAfter != null) {
                    session.endByServer(next.closeAfter);
                }
            } catch (IOException e) {
                synchronized (this) {
                    queue.clear();
                    draining = false;
                }
                return;
            }
        }
    }

    /** A queued push; its frame may be replaced by a newer one with the same key. */
    private static final class Outbound {
        final Object key;
        final String closeAfter;
        Frame frame;

        Outbound(Object key, Frame frame, String closeAfter) {
            this.key = key;
            this.frame = frame;
            this.closeAfter = closeAfter;
        }
    }
}
