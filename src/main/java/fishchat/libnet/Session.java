package fishchat.libnet;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One client connection: its {@link Transport} (read by the session thread), and a write
 * path that any thread may use.
 *
 * <p>Writes are serialized with a {@link ReentrantLock} (not {@code synchronized}, which would
 * pin a virtual thread to its carrier while the write blocks on JDK 21). Replies are written
 * by the session thread itself; pushes from other threads go through a small bounded queue
 * drained by a short-lived virtual thread, so a pusher never waits on a slow client. A client
 * that does not read is cut: a full push queue closes the session, and so does a write that
 * stays blocked past the write timeout (see {@link SessionSweeper}).
 *
 * <p>Fields are few and mostly lazy: an idle session should cost little more than its socket.
 */
public final class Session {
    private static final System.Logger LOG = System.getLogger(Session.class.getName());

    private final long id;
    /** What frames travel over: a TCP (or TLS) socket, or a WebSocket. */
    private final Transport transport;
    private final int pushQueueCapacity;
    private final ServerStats stats;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicReference<String> closeReason = new AtomicReference<>();
    /** System.nanoTime() when the current write began, 0 when none is under way. */
    private volatile long writeStartedNanos;
    /** System.nanoTime() of the last frame read (or of the open): for the idle timeout. */
    private volatile long lastReadNanos = System.nanoTime();
    /** False until the first complete frame: for the handshake timeout. */
    private volatile boolean greeted;
    /** IDLE between requests, BUSY while one is handled, CLOSING once a stop claimed it: see {@link #claimForRequest}. */
    private volatile int phase;
    /** Set by a handler (e.g. logout): end the session once the current reply is out. */
    private volatile String endAfterReply;
    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int CLOSING = 2;
    private static final java.lang.invoke.VarHandle PHASE;

    static {
        try {
            PHASE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Session.class, "phase", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private volatile String label;
    private volatile Object attachment;
    private volatile List<Consumer<Session>> closeCallbacks;
    // Guarded by this (bookkeeping only, never held across I/O).
    private ArrayDeque<Outbound> pushQueue;
    private boolean draining;

    Session(long id, Transport transport, int pushQueueCapacity, ServerStats stats) {
        this.id = id;
        this.transport = transport;
        this.pushQueueCapacity = pushQueueCapacity;
        this.stats = stats;
    }

    public long id() {
        return id;
    }

    public SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    /** True when the client reached us encrypted (TLS, wss). */
    public boolean secure() {
        return transport.secure();
    }

    /** Read by the session thread only. */
    byte[] readFrame() throws IOException {
        byte[] body = transport.read();
        if (body != null) {
            lastReadNanos = System.nanoTime();
            if (!greeted) {
                greeted = true;
            }
            stats.framesIn.increment();
            stats.bytesIn.add(Frames.HEADER_BYTES + body.length);
        }
        return body;
    }

    /** Sends one frame body; the caller's thread does the write. */
    public void send(byte[] body) throws IOException {
        sendFrame(Frames.encode(body));
    }

    /** Sends an already encoded frame (header included), e.g. a precomputed reply. */
    public void sendFrame(byte[] frame) throws IOException {
        writeLock.lock();
        try {
            writeStartedNanos = System.nanoTime();
            transport.write(frame);
            stats.framesOut.increment();
            stats.bytesOut.add(frame.length);
        } catch (IOException e) {
            close("write failed: " + e.getMessage());
            throw e;
        } finally {
            writeStartedNanos = 0;
            writeLock.unlock();
        }
    }

    /** An action that may write to the session. */
    @FunctionalInterface
    public interface Writes {
        void run() throws IOException;
    }

    /**
     * Runs {@code writes} while no push can be written: pushes queued meanwhile follow
     * whatever {@code writes} sent. E.g. a login reply must reach the client before the
     * first notify for the newly logged-in user.
     */
    public void holdingPushes(Writes writes) throws IOException {
        writeLock.lock(); // reentrant: send() inside takes it again
        try {
            writes.run();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Queues a frame body for this client without blocking the caller. Returns false, and
     * closes the session, when the queue is full: the client is not reading.
     */
    public boolean push(byte[] body) {
        return push(body, null);
    }

    /**
     * Like {@link #push(byte[])}, but a frame still waiting in the queue under the same
     * {@code coalesceKey} is replaced instead of queueing another: for pushes where only
     * the newest matters ("you have messages up to seq N"), so a burst costs one frame.
     */
    public boolean push(byte[] body, Object coalesceKey) {
        return enqueue(new Outbound(coalesceKey, Frames.encode(body), null));
    }

    /**
     * Queues a last frame (e.g. "you were replaced"), after which the session is closed with
     * {@code reason}; the caller does not wait for it.
     */
    public boolean pushThenClose(byte[] body, String reason) {
        return enqueue(new Outbound(null, Frames.encode(body), reason));
    }

    private boolean enqueue(Outbound outbound) {
        byte[] frame = outbound.frame;
        Object coalesceKey = outbound.key;
        boolean startDrainer = false;
        boolean overflow = false;
        synchronized (this) { // never held across I/O: only queue bookkeeping
            if (isClosed()) {
                return false;
            }
            if (pushQueue == null) {
                pushQueue = new ArrayDeque<>(4);
            }
            if (!replaceQueued(coalesceKey, frame)) {
                if (pushQueue.size() >= pushQueueCapacity) {
                    pushQueue.clear();
                    overflow = true;
                } else {
                    pushQueue.add(outbound);
                    startDrainer = !draining;
                    draining = true;
                }
            }
        }
        if (overflow) {
            close("push queue full (client not reading)");
            return false;
        }
        if (startDrainer) {
            Thread.ofVirtual().name("push-" + id).start(this::drainPushes);
        }
        return true;
    }

    private boolean replaceQueued(Object coalesceKey, byte[] frame) {
        if (coalesceKey == null) {
            return false;
        }
        for (Outbound queued : pushQueue) {
            if (coalesceKey.equals(queued.key)) {
                queued.frame = frame;
                return true;
            }
        }
        return false;
    }

    private void drainPushes() {
        while (true) {
            Outbound next;
            synchronized (this) {
                next = pushQueue.poll();
                if (next == null || isClosed()) {
                    draining = false;
                    return;
                }
            }
            try {
                sendFrame(next.frame);
                if (next.closeAfter != null) {
                    endByServer(next.closeAfter);
                }
            } catch (IOException e) {
                synchronized (this) {
                    pushQueue.clear();
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
        byte[] frame;

        Outbound(Object key, byte[] frame, String closeAfter) {
            this.key = key;
            this.frame = frame;
            this.closeAfter = closeAfter;
        }
    }

    /** Nanoseconds since it opened, while it has not sent one complete frame; else 0. */
    long ungreetedNanos(long now) {
        return greeted ? 0 : now - lastReadNanos;
    }

    /** Nanoseconds since the last frame came in. */
    long silentNanos(long now) {
        return now - lastReadNanos;
    }

    /** Nanoseconds the current write has been blocked, or 0. */
    long writeBlockedNanos(long now) {
        long started = writeStartedNanos;
        return started == 0 ? 0 : now - started;
    }

    /** A short text for log lines, e.g. "uid=42", set by the protocol layer. */
    public void setLabel(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * What the protocol layer keeps about this session (e.g. who logged in): one reference,
     * not a map, since every logged-in connection carries it.
     */
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }

    /** Runs once when the session closes (at once if it already has). */
    public void onClose(Consumer<Session> callback) {
        synchronized (this) {
            if (closeCallbacks == null) {
                closeCallbacks = new CopyOnWriteArrayList<>();
            }
            closeCallbacks.add(callback);
        }
        if (isClosed() && closeCallbacks.remove(callback)) {
            callback.accept(this);
        }
    }

    public boolean isClosed() {
        return closeReason.get() != null;
    }

    /** Why the session closed, or null while it is open. */
    public String closeReason() {
        return closeReason.get();
    }

    /**
     * Called by the session thread with a frame in hand: true if it may handle it. False when
     * a stop has claimed the session first (the frame is then dropped unanswered, as if it
     * had come a moment later: nothing was done for it).
     */
    boolean claimForRequest() {
        return PHASE.compareAndSet(this, IDLE, BUSY);
    }

    /** Called by the session thread when the reply is out. */
    void requestDone() {
        PHASE.compareAndSet(this, BUSY, IDLE);
    }

    /**
     * Called by a stop: claims the session if it is between requests (true), so that it can be
     * closed at once; false while it handles a request, which it is left to finish.
     */
    boolean claimForClose() {
        return PHASE.compareAndSet(this, IDLE, CLOSING) || phase == CLOSING;
    }

    /** Asks the session loop to end the session, gracefully, once the current reply is written. */
    public void endAfterReply(String reason) {
        endAfterReply = reason;
    }

    String endAfterReply() {
        return endAfterReply;
    }

    /**
     * Ends the session without a reset: sends FIN after what was written, reads and drops what
     * the client still sends (bounded), then closes. Closing with unread input would make the
     * kernel answer with a reset, which can destroy a reply still in the send buffer.
     */
    void closeGracefully(String reason) {
        try {
            finishOutput(reason);
            transport.drainInput();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: graceful close: {1}", this, e.getMessage());
        }
        close(reason);
    }

    /** Ends our direction after what was written, as a write: under the lock and the write timeout. */
    private void finishOutput(String reason) throws IOException {
        writeLock.lock();
        try {
            writeStartedNanos = System.nanoTime();
            transport.finishOutput(reason);
        } finally {
            writeStartedNanos = 0;
            writeLock.unlock();
        }
    }

    /**
     * From another thread, after a last frame: send FIN so the frame is delivered intact;
     * the session thread then reads the client's close (or the idle sweeper ends it).
     */
    private void endByServer(String reason) {
        endAfterReply = reason;
        try {
            finishOutput(reason);
        } catch (IOException e) {
            close(reason);
        }
    }

    /** Closes the socket once; later calls do nothing. Unblocks the session thread's read. */
    public void close(String reason) {
        if (!closeReason.compareAndSet(null, reason == null ? "closed" : reason)) {
            return;
        }
        try {
            transport.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: closing its transport: {1}", this, e.getMessage());
        }
        List<Consumer<Session>> callbacks = closeCallbacks;
        if (callbacks != null) {
            for (Consumer<Session> callback : callbacks) {
                if (callbacks.remove(callback)) {
                    try {
                        callback.accept(this);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "session " + id + ": close callback failed", e);
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        String l = label;
        return "session " + id + (l == null ? "" : " " + l);
    }
}
