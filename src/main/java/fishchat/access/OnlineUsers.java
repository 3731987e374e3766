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
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * Who is logged in on this node: uid to that user's sessions (one per device). Tells them
 * of new messages with a light ResNotify{currentID}; the client then syncs. Every change of a
 * user's sessions here is reported to {@code changed} (the presence recorder).
 */
public final class OnlineUsers {
    /** Notifies waiting for the same client collapse into the newest one. */
    private static final Object NOTIFY_KEY = new Object();

    private final Map<Long, List<Session>> byUid = new ConcurrentHashMap<>();
    private final Metrics.Counter pushes;
    private final LongConsumer changed;

    /** Without anyone told of changes (no presence kept). */
    OnlineUsers(Metrics.Counter pushes) {
        this(pushes, uid -> { });
    }

    OnlineUsers(Metrics.Counter pushes, LongConsumer changed) {
        this.pushes = pushes;
        this.changed = changed;
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
        changed.accept(uid);
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
        changed.accept(uid);
    }

    public void remove(long uid, Session session) {
        byUid.computeIfPresent(uid, (k, sessions) -> {
            List<Session> rest = new ArrayList<>(sessions);
            rest.remove(session);
            return rest.isEmpty() ? null : List.copyOf(rest);
        });
        changed.accept(uid);
    }

    /** Takes out and returns the sessions of {@code uid} that {@code which} picks, at once. */
    List<Session> removeIf(long uid, Predicate<Session> which) {
        List<Session> taken = new ArrayList<>();
        byUid.computeIfPresent(uid, (k, sessions) -> {
            List<Session> rest = new ArrayList<>(sessions.size());
            for (Session session : sessions) {
                (which.test(session) ? taken : rest).add(session);
            }
            return rest.isEmpty() ? null : List.copyOf(rest);
        });
        if (!taken.isEmpty()) {
            changed.accept(uid);
        }
        return taken;
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

    /**
     * Tells every online session of each recipient its newest seq; an own copy only the sessions
     * that asked for own copies (the others would sync and find nothing they are shown). Never blocks.
     */
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
            int told = 0;
            for (Session session : sessions) {
                if (delivery.ownCopy() && !wantsOwnCopies(session)) {
                    continue;
                }
                session.push(body, NOTIFY_KEY);
                told++;
            }
            pushes.add(told);
        }
    }

    private static boolean wantsOwnCopies(Session session) {
        SessionState state = session.attachment();
        return state != null && state.ownCopies;
    }
}
