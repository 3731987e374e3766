package fishchat.access;

import fishchat.libnet.Session;
import fishchat.protocol.Cmd;
import fishchat.protocol.external.ResPresenceChange;
import fishchat.protocol.external.UserPresence;
import fishchat.store.Presence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which sessions of this node watch whose presence (cmd 20012), and the pushes (cmd 20013) that
 * tell them of changes, whichever node the change came from. Only a session that asked is ever
 * pushed to, so FishChatServer2's clients never see cmd 20013.
 */
final class PresenceWatchers {
    /** Users one session may watch at once: a page's one-to-one conversations, bounded. */
    static final int MAX_WATCHED = 1000;

    private final Map<Long, Set<Session>> byUid = new ConcurrentHashMap<>();

    /** {@code session} watches exactly {@code uids} from now on (an empty list: nobody). */
    void watch(Session session, SessionState state, long[] uids) {
        long[] before = state.watching;
        state.watching = uids;
        for (long uid : before) {
            forget(uid, session);
        }
        for (long uid : uids) {
            byUid.computeIfAbsent(uid, k -> ConcurrentHashMap.newKeySet()).add(session);
        }
    }

    /** A closing session watches nobody. */
    void unwatch(Session session, SessionState state) {
        watch(session, state, new long[0]);
    }

    private void forget(long uid, Session session) {
        byUid.computeIfPresent(uid, (k, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
    }

    /** The uids some session here watches. */
    List<Long> watched() {
        return List.copyOf(byUid.keySet());
    }

    /** Pushes the changes to the sessions watching those users: one frame per session. Never blocks. */
    void publish(List<Presence> changes) {
        Map<Session, List<UserPresence>> bySession = new LinkedHashMap<>();
        for (Presence change : changes) {
            Set<Session> sessions = byUid.get(change.uid());
            if (sessions == null) {
                continue;
            }
            UserPresence wire = toWire(change);
            for (Session session : sessions) {
                bySession.computeIfAbsent(session, k -> new ArrayList<>()).add(wire);
            }
        }
        bySession.forEach((session, users) -> session.push(ResPresenceChange.newBuilder()
                .setCmd(Cmd.PRESENCE_CHANGE.code())
                .addAllUsers(users)
                .build().toByteArray()));
    }

    static UserPresence toWire(Presence p) {
        return UserPresence.newBuilder()
                .setUID(p.uid())
                .setOnline(p.online())
                .setDevices(p.devices())
                .setSince(p.sinceMillis())
                .build();
    }
}
