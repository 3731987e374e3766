package fishchat.access;

import fishchat.libnet.Session;
import fishchat.metrics.Metrics;
import fishchat.protocol.Cmd;
import fishchat.protocol.external.ResNotify;
import fishchat.store.Delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is logged in on this node: uid to that user's sessions (one per device). Tells them
 * of new messages with a light ResNotify{currentID}; the client then syncs.
 */
public final class OnlineUsers {
    /** Notifies waiting for the same client collapse into the newest one. */
    private static final Object NOTIFY_KEY = new Object();

    private final Map<Long, List<Session>> byUid = new ConcurrentHashMap<>();
    private final Metrics.Counter pushes;

    OnlineUsers(Metrics.Counter pushes) {
        this.pushes = pushes;
    }

    /**
     * Adds a session of {@code uid}; when that makes more than {@code maxSessions}, the
     * oldest ones are taken out and returned, for the caller to tell and close.
     */
    public List<Session> add(long uid, Session session, int maxSessions) {
        List<Session> evicted = new ArrayList<>();
        byUid.compute(uid, (k, sessions) -> {
            List<Session> more = new ArrayList<>(sessions == null ? 1 : sessions.size() + 1);
            if (sessions != null) {
                more.addAll(sessions);
            }
            more.add(session);
            while (more.size() > maxSessions) {
                evicted.add(more.remove(0)); // oldest login first
            }
            return List.copyOf(more);
        });
        return evicted;
    }

    /** Puts back, oldest first as they were, sessions that {@link #add} evicted when the login that evicted them failed. */
    void restore(long uid, List<Session> evicted) {
        if (evicted.isEmpty()) {
            return;
        }
        byUid.compute(uid, (k, current) -> {
            List<Session> all = new ArrayList<>(evicted);
            if (current != null) {
                all.addAll(current);
            }
            return List.copyOf(all);
        });
    }

    public void remove(long uid, Session session) {
        byUid.computeIfPresent(uid, (k, sessions) -> {
            List<Session> rest = new ArrayList<>(sessions);
            rest.remove(session);
            return rest.isEmpty() ? null : List.copyOf(rest);
        });
    }

    public List<Session> sessions(long uid) {
        return byUid.getOrDefault(uid, List.of());
    }

    /** Every uid with a session here now. */
    public List<Long> uids() {
        return List.copyOf(byUid.keySet());
    }

    public int users() {
        return byUid.size();
    }

    /** Tells every online session of each recipient its newest seq. Never blocks. */
    public void notify(List<Delivery> deliveries) {
        for (Delivery delivery : deliveries) {
            List<Session> sessions = byUid.get(delivery.uid());
            if (sessions == null) {
                continue;
            }
            byte[] body = ResNotify.newBuilder()
                    .setCmd(Cmd.NOTIFY.code())
                    .setCurrentID(delivery.seq())
                    .build().toByteArray();
            for (Session session : sessions) {
                session.push(body, NOTIFY_KEY);
            }
            pushes.add(sessions.size());
        }
    }
}
