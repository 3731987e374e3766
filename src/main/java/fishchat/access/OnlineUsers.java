package fishchat.access;

import fishchat.chat.Messaging;
import fishchat.libnet.Frame;
import fishchat.libnet.Session;
import fishchat.metrics.Metrics;
import fishchat.protocol.Cmd;
import fishchat.protocol.external.ResMessagePush;
import fishchat.protocol.external.ResNotify;
import fishchat.store.Delivery;
import fishchat.store.NewMessage;
import fishchat.store.StoredMessage;

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
    private final Metrics.Counter messagesPushed;
    private final LongConsumer changed;

    /** Without anyone told of changes (no presence kept). */
    OnlineUsers(Metrics.Counter pushes, Metrics.Counter messagesPushed) {
        this(pushes, messagesPushed, uid -> { });
    }

    /**
     * @param pushes         counts the notifies and pushes queued
     * @param messagesPushed counts the messages pushed themselves (cmd 20014)
     * @param changed        told the uid whose sessions changed (presence)
     */
    OnlineUsers(Metrics.Counter pushes, Metrics.Counter messagesPushed, LongConsumer changed) {
        this.pushes = pushes;
        this.messagesPushed = messagesPushed;
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

    /** Tells every online session of each recipient its newest seq (messages stored by another node). Never blocks. */
    public void notify(List<Delivery> deliveries) {
        notify(deliveries, null);
    }

    /**
     * Tells every online session of each recipient of {@code message} (null: not known here) of
     * its new entry: the message itself to a session that asked for pushes, else its newest seq
     * (a notify: the client syncs). A push still queued for a session that does not read fast
     * enough is folded into one notify of the newest seq, so a queue holds one frame per
     * session whatever the traffic. An own copy reaches only sessions that asked for own copies
     * (the others would sync and find nothing they are shown); a session that asked for pushes
     * but not own copies is pushed its seq alone, so that it sees no hole. Never blocks.
     */
    public void notify(List<Delivery> deliveries, NewMessage message) {
        for (Delivery delivery : deliveries) {
            List<Session> sessions = byUid.get(delivery.uid());
            if (sessions == null) {
                continue;
            }
            Frame notify = Frame.of(ResNotify.newBuilder()
                    .setCmd(Cmd.NOTIFY.code())
                    .setCurrentID(delivery.seq())
                    .build().toByteArray());
            Frame push = null;
            Frame passOver = null;
            int told = 0;
            for (Session session : sessions) {
                SessionState state = session.attachment();
                boolean wantsOwnCopies = state != null && state.ownCopies;
                if (message != null && state != null && state.pushMessages) {
                    if (delivery.ownCopy() && !wantsOwnCopies) {
                        // Not shown, but pushed as a seq to pass over: the session's seqs have no holes.
                        if (passOver == null) {
                            passOver = Frame.of(ResMessagePush.newBuilder()
                                    .setCmd(Cmd.MESSAGE_PUSH.code())
                                    .setCurrentID(delivery.seq())
                                    .build().toByteArray());
                        }
                        session.push(passOver, NOTIFY_KEY, notify);
                        continue;
                    }
                    if (push == null) {
                        push = Frame.of(ResMessagePush.newBuilder()
                                .setCmd(Cmd.MESSAGE_PUSH.code())
                                .addMsgs(Messaging.toWire(StoredMessage.of(message, delivery)))
                                .setCurrentID(delivery.seq())
                                .build().toByteArray());
                    }
                    session.push(push, NOTIFY_KEY, notify);
                    messagesPushed.inc();
                } else if (!delivery.ownCopy() || wantsOwnCopies) {
                    session.push(notify, NOTIFY_KEY, notify);
                } else {
                    continue;
                }
                told++;
            }
            pushes.add(told);
        }
    }
}
