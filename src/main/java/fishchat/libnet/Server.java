package fishchat.libnet;

import fishchat.common.Fatal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;

/**
 * Listening sockets that share one admission, one set of connections and one stop: each
 * accepted socket is admitted or refused ({@link ConnectionLimits}) before any byte of it is
 * read, then served by its listener's {@link ConnectionHandler} on a virtual thread of its own.
 * A node's ports (plain and TLS frames, WebSocket) belong to one server, so caps count a
 * source address's connections on all of them together.
 *
 * <p>{@link #stop} closes the listeners, lets connections with a request in hand finish it
 * within a grace period, closes the rest and returns once every connection thread has ended.
 */
public final class Server {
    private static final System.Logger LOG = System.getLogger(Server.class.getName());
    private static final long STOP_POLL_MILLIS = 20;

    private final ConnectionLimits limits;
    private final Admission admission;
    private final ServerStats stats = new ServerStats();
    private final Refuser refuser;
    /** Open connections (a set, not a map by id: no boxed key per connection). */
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong nextId = new AtomicLong();
    private final ConnectionSweeper sweeper;
    private volatile boolean stopping;

    public Server(ConnectionLimits limits) {
        this.limits = limits;
        this.admission = new Admission(limits);
        this.refuser = new Refuser(limits.name(), stats);
        this.sweeper = ConnectionSweeper.needed(limits) ? new ConnectionSweeper(connections, limits) : null;
    }

    /**
     * Binds {@code address} and starts accepting connections for {@code handler} on it (TLS
     * when {@code tls} is given). Returns the bound address (the real port when asked for 0).
     */
    public InetSocketAddress listen(InetSocketAddress address, TlsCredentials tls, ConnectionHandler handler)
            throws IOException {
        if (stopping) {
            throw new IllegalStateException(limits.name() + " is stopping");
        }
        Listener listener = Listener.bind(this, address, limits.backlog(), tls, handler, limits.name());
        listeners.add(listener);
        if (sweeper != null) {
            sweeper.startOnce();
        }
        listener.start();
        return listener.address();
    }

    public ConnectionLimits limits() {
        return limits;
    }

    public ServerStats stats() {
        return stats;
    }

    /** Connections open now, on every listener. */
    public int connections() {
        return connections.size();
    }

    /** Connections open now from {@code source}, as counted against the per-address cap (0 when there is none). */
    public int connectionsFrom(InetAddress source) {
        return admission.openFrom(source);
    }

    /** A live view of the open connections. */
    Collection<Connection> connectionsView() {
        return connections;
    }

    public boolean stopping() {
        return stopping;
    }

    /** On a listener's accept thread: admit or refuse, then hand the connection its thread. */
    void admit(Socket socket, Listener listener) {
        try {
            admitOrRefuse(socket, listener);
        } catch (RuntimeException | Error e) {
            Refuser.closeQuietly(socket); // whatever went wrong, the socket is not left open
            throw e;
        }
    }

    private void admitOrRefuse(Socket socket, Listener listener) {
        InetAddress source = socket.getInetAddress();
        Admission.Refused refused = stopping ? new Admission.Refused(Refusal.OVER_CAPACITY, 0, "connections (server stopping)")
                : admission.admit(source, connections.size());
        if (refused != null) {
            byte[] answer = listener.handler().refusal(refused.refusal(), refused.retryAfterMillis());
            refuser.refuse(socket, listener.tls(), answer, refused);
            return;
        }
        Connection connection;
        try {
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Socket stream = listener.tls() == null ? socket : listener.tls().wrap(socket);
            connection = new Connection(nextId.incrementAndGet(), this, listener.handler(), socket, stream, System.nanoTime());
        } catch (IOException e) {
            LOG.log(DEBUG, "{0}: dropping a connection that failed at setup: {1}", limits.name(), e.getMessage());
            admission.release(source);
            Refuser.closeQuietly(socket);
            return;
        }
        connections.add(connection);
        try {
            Thread.ofVirtual().name(limits.name() + "-" + connection.id()).start(connection);
        } catch (RuntimeException | OutOfMemoryError e) {
            ended(connection, "could not start its thread");
            throw e;
        }
    }

    /** A handler threw what it should have dealt with: a bug (or, for a VM error, the end of the process). */
    void failed(Connection connection, Throwable e) {
        if (e instanceof VirtualMachineError) {
            Fatal.unexpected(connection + " of " + limits.name(), e);
        }
        LOG.log(ERROR, limits.name() + ": " + connection + " failed", e);
    }

    /** The connection's thread is done with it (or never started): close it and give back its place. */
    void ended(Connection connection, String reason) {
        connection.close(reason);
        admission.release(connection.source()); // before leaving the set: its count never lags behind
        connections.remove(connection);
    }

    /** {@link #stop(Duration)} with no grace: connections are closed at once. */
    public void stop() {
        stop(Duration.ZERO);
    }

    /**
     * Stops accepting, then drains: a connection between requests is closed at once, one
     * handling a request finishes it and writes its reply; those still busy after {@code grace}
     * are closed. Returns when every connection thread has ended. Safe to call more than once.
     */
    public void stop(Duration grace) {
        stopping = true;
        for (Listener listener : listeners) {
            listener.close();
        }
        // The accept loops have ended: no connection is added after this point.
        long deadline = System.nanoTime() + grace.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            for (Connection connection : connections) {
                if (connection.claimForClose()) {
                    connection.close("server stopping");
                }
            }
            pause(STOP_POLL_MILLIS);
        }
        if (sweeper != null) {
            sweeper.stop();
        }
        long lastSweep = 0;
        while (!connections.isEmpty()) {
            if (System.nanoTime() - lastSweep > TimeUnit.MILLISECONDS.toNanos(100)) {
                // Again every 100 ms: a thread that had not yet started its read is closed once more.
                lastSweep = System.nanoTime();
                for (Connection connection : connections) {
                    connection.close("server stopping");
                }
            }
            pause(STOP_POLL_MILLIS);
        }
        LOG.log(INFO, "{0} stopped", limits.name());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
