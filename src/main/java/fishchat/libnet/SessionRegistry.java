package fishchat.libnet;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The open sessions of one server, by id. Safe for any thread. */
public final class SessionRegistry {
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();

    void add(Session session) {
        sessions.put(session.id(), session);
    }

    void remove(Session session) {
        sessions.remove(session.id(), session);
    }

    public Session get(long id) {
        return sessions.get(id);
    }

    public int size() {
        return sessions.size();
    }

    /** A live view: iteration sees sessions added and removed meanwhile, never fails. */
    public Collection<Session> all() {
        return sessions.values();
    }

    public void closeAll(String reason) {
        for (Session session : sessions.values()) {
            session.close(reason);
        }
    }
}
