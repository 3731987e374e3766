package fishchat.libnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.locks.LockSupport;

/**
 * One admitted connection, whatever it carries (frames, HTTP, a WebSocket): its socket, the
 * clocks its {@link Server}'s sweeper reads, the state a stop reads, and its close.
 *
 * <p>The state, moved by the protocol's loop on the connection's own thread and by a stop:
 * <pre>
 *   IDLE ──a request read in full──▶ BUSY ──its reply written──▶ IDLE
 *   IDLE ──a stop claims it──▶ CLOSING      (nothing owed: closed at once)
 *   BUSY ──a stop──▶ stays BUSY             (left to finish; the loop sees the stop after its reply)
 *   any ──close(reason)──▶ closed           (once; the socket closes, a blocked read or write fails)
 * </pre>
 * The clocks: until the protocol {@linkplain #active() hears} a first complete unit (a frame,
 * an HTTP request) the connection is ungreeted and must be greeted within the handshake
 * timeout, counted from accept; after that, silence longer than the idle timeout ends it. A
 * write blocked longer than the write timeout ends it at any time. While BUSY a connection is
 * not expected to speak (its handler is working, or streaming), so only the write clock runs.
 */
public final class Connection implements Runnable {
    static final int IDLE = 0;
    static final int BUSY = 1;
    static final int CLOSING = 2;
    /**
     * A peer that keeps requests queued never makes the read park, and a virtual thread that
     * never parks keeps its carrier: as many such peers as cores froze every other connection
     * of the node (a logged-in user's ping waited 8 s behind two pipelining sockets). So every
     * this many requests the connection looks whether more is waiting in the socket, and if so
     * steps aside (a client that waits for each reply never has more waiting, and is never
     * held back).
     */
    private static final int REQUESTS_PER_CHECK = 8;
    private static final VarHandle STATE;
    private static final VarHandle CLOSE_REASON;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Connection.class, "state", int.class);
            CLOSE_REASON = lookup.findVarHandle(Connection.class, "closeReason", String.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id;
    private final Server server;
    private final ConnectionHandler handler;
    /** The TCP socket: closing it (not a TLS socket over it) is what unblocks a read or write at once. */
    private final Socket tcp;
    /** What the bytes go through: {@link #tcp}, or the TLS socket layered on it. */
    private final Socket socket;
    private final InetAddress source;
    /** System.nanoTime() when the current handshake or idle period began. */
    private volatile long sinceNanos;
    private volatile boolean greeted;
    /** System.nanoTime() when the current write began; 0 while none is under way. */
    private volatile long writeStartedNanos;
    private volatile int state;
    private volatile String closeReason;
    /** Requests since the last look for queued input; the connection's own thread alone reads and writes it. */
    private int requestsSinceCheck;
    /** The session this connection carries, once its protocol is frames (a WebSocket's after its upgrade). */
    private volatile Session session;

    Connection(long id, Server server, ConnectionHandler handler, Socket tcp, Socket socket, long acceptedNanos) {
        this.id = id;
        this.server = server;
        this.handler = handler;
        this.tcp = tcp;
        this.socket = socket;
        this.source = tcp.getInetAddress();
        this.sinceNanos = acceptedNanos;
    }

    public long id() {
        return id;
    }

    /**
     * The connection's own virtual thread: its handler serves it, then the server lets it go.
     * (The connection is the thread's task itself, not a lambda around it: one frame less on
     * the stack of every parked connection, and one object less.)
     */
    @Override
    public void run() {
        try {
            handler.serve(this);
        } catch (Throwable e) {
            server.failed(this, e);
        } finally {
            server.ended(this, "ended");
        }
    }

    public InetAddress source() {
        return source;
    }

    public SocketAddress remoteAddress() {
        return tcp.getRemoteSocketAddress();
    }

    /** True when the bytes travel encrypted (TLS). */
    public boolean secure() {
        return socket != tcp;
    }

    /** The socket the protocol reads and writes: the TLS socket on a TLS listener. */
    public Socket socket() {
        return socket;
    }

    public InputStream input() throws IOException {
        return socket.getInputStream();
    }

    public OutputStream output() throws IOException {
        return socket.getOutputStream();
    }

    /** True once the server began to stop: a loop ends after the reply in hand. */
    public boolean stopping() {
        return server.stopping();
    }

    /** A complete unit (a frame, a request) came in: the connection is greeted, and its idle clock restarts. */
    public void active() {
        sinceNanos = System.nanoTime();
        if (!greeted) {
            greeted = true;
        }
    }

    /**
     * From now on the connection must send a complete unit within the handshake timeout, as
     * right after accept: an HTTP connection between requests.
     */
    public void awaitGreeting() {
        greeted = false;
        sinceNanos = System.nanoTime();
    }

    /** Called before a write; pair with {@link #writeEnded()}. */
    public void writeStarted() {
        writeStartedNanos = System.nanoTime();
    }

    public void writeEnded() {
        writeStartedNanos = 0;
    }

    /** With a request in hand: true if it may be handled, false when a stop claimed the connection first. */
    public boolean claimForRequest() {
        return STATE.compareAndSet(this, IDLE, BUSY);
    }

    /** The reply is out: back to waiting; a peer that keeps requests queued lets the others' threads run now and then. */
    public void requestDone() {
        STATE.compareAndSet(this, BUSY, IDLE);
        unitRead();
    }

    /**
     * Counts a unit the protocol read that is not a request of its own (e.g. a WebSocket PING,
     * PONG or fragment, which a client can send without end): every few units, the thread
     * steps aside as after requests, so that such a stream cannot hold a core either.
     */
    public void unitRead() {
        if (++requestsSinceCheck == REQUESTS_PER_CHECK) {
            requestsSinceCheck = 0;
            stepAsideIfMoreIsQueued();
        }
    }

    /**
     * A timed park, not {@link Thread#yield}: a yielded virtual thread may be taken up again at
     * once by its carrier, while threads woken by the poller wait in the scheduler's queue; a
     * parked one comes back through that queue, behind them (measured: yield left a 2–6 s
     * stall, a park none over 15 ms).
     */
    private void stepAsideIfMoreIsQueued() {
        try {
            if (tcp.getInputStream().available() > 0) {
                LockSupport.parkNanos(1);
            }
        } catch (IOException e) {
            // Closed or shut down: the next read says so.
        }
    }

    /** For a stop: true (and claimed) when no request is in hand, so it can be closed at once. */
    boolean claimForClose() {
        return STATE.compareAndSet(this, IDLE, CLOSING) || state == CLOSING;
    }

    boolean busy() {
        return state == BUSY;
    }

    boolean greeted() {
        return greeted;
    }

    /** Nanoseconds since the handshake or idle period began. */
    long quietNanos(long now) {
        return now - sinceNanos;
    }

    /** Nanoseconds the current write has been blocked, or 0. */
    long writeBlockedNanos(long now) {
        long started = writeStartedNanos;
        return started == 0 ? 0 : now - started;
    }

    /**
     * Reads and drops what the peer still sends until it closes, at most {@code maxBytes} and
     * for about {@code millis}: after our side ended its output, so that closing with unread
     * input (which makes the kernel answer with a reset, destroying a reply still in flight)
     * is avoided.
     */
    public void drainInput(int millis, int maxBytes) {
        try {
            socket.setSoTimeout(millis);
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[512];
            int total = 0;
            int n;
            while (total < maxBytes && (n = in.read(sink)) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            // Timed out, reset or closed: nothing more to wait for.
        }
    }

    void carry(Session value) {
        session = value;
    }

    Session session() {
        return session;
    }

    public boolean isClosed() {
        return closeReason != null;
    }

    /** Why the connection closed, or null while it is open. */
    public String closeReason() {
        return closeReason;
    }

    /** Closes once, from any thread; later calls do nothing. Unblocks a read or write under way. */
    public void close(String reason) {
        if (!CLOSE_REASON.compareAndSet(this, null, reason == null ? "closed" : reason)) {
            return;
        }
        try {
            tcp.close();
        } catch (IOException e) {
            // Closed all the same: nothing more to do with it.
        }
    }

    @Override
    public String toString() {
        return "connection " + id;
    }
}
