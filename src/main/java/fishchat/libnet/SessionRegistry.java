package fishchat.libnet;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open sessions of one {@link FrameServer}: a count, and a view over its server's
 * connections (each connection knows its session), so a session costs no entry of its own in
 * a map beside its connection's. Safe for any thread.
 */
public final class SessionRegistry {
    private final Collection<Connection> connections;
    private final AtomicInteger open = new AtomicInteger();

    SessionRegistry(Collection<Connection> connections) {
        this.connections = connections;
    }

    void add(Session session) {
        session.connection().carry(session);
        open.incrementAndGet();
    }

    void remove(Session session) {
        open.decrementAndGet();
    }

    public int size() {
        return open.get();
    }

    /** The sessions open now (a snapshot). */
    public Collection<Session> all() {
        return connections.stream().map(Connection::session).filter(Objects::nonNull).filter(s -> !s.isClosed()).toList();
    }
}
