package fishchat.store.postgres;

import fishchat.store.Presence;
import fishchat.store.PresenceStore;
import fishchat.store.jdbc.ClosingStatements;
import fishchat.store.jdbc.PresenceRows;
import fishchat.store.jdbc.RecordedTargets;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Presence on PostgreSQL: each change is a short transaction of its own (not in the appends'
 * group commit, whose locks it would interleave with), which NOTIFYs the changes it made so the
 * other nodes can tell their sessions. Users are taken in uid order and each user's inbox row is
 * locked first, the order appends lock in: no deadlock between the two, and a user's webhook
 * events are numbered in the order they commit.
 */
final class PgPresence implements PresenceStore {
    /** Users per transaction: a node's whole population at once would hold locks too long. */
    private static final int CHUNK = 500;

    private final PgConnections connections;
    private final String origin;
    private final RecordedTargets webhooks;

    PgPresence(PgConnections connections, String origin, RecordedTargets webhooks) {
        this.connections = connections;
        this.origin = origin;
        this.webhooks = webhooks;
    }

    @Override
    public List<Presence> record(String node, Map<Long, Integer> devices, long nowMillis) {
        List<Map.Entry<Long, Integer>> all = new ArrayList<>(new TreeMap<>(devices).entrySet());
        List<Presence> changes = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            Map<Long, Integer> chunk = new TreeMap<>();
            all.subList(from, Math.min(all.size(), from + CHUNK)).forEach(e -> chunk.put(e.getKey(), e.getValue()));
            changes.addAll(connections.transaction(c -> announced(c, withStatements(c, s ->
                    PresenceRows.record(s, node, chunk, nowMillis, webhooks.current(s, nowMillis), true)))));
        }
        return changes;
    }

    @Override
    public List<Presence> read(Collection<Long> uids) {
        return connections.withStatements(s -> PresenceRows.read(s, uids));
    }

    @Override
    public boolean renewLease(String node, long nowMillis, Duration lease) {
        return connections.transaction(c -> withStatements(c, s -> PresenceRows.renewLease(s, node, nowMillis, lease)));
    }

    @Override
    public List<Presence> sweepExpired(long nowMillis) {
        List<Presence> changes = new ArrayList<>();
        for (String node : connections.withStatements(s -> PresenceRows.gone(s, nowMillis))) {
            if (takeOffline(node, nowMillis, changes)) {
                connections.withStatements(s -> {
                    PresenceRows.dropExpiredLease(s, node, nowMillis);
                    return null;
                });
            }
        }
        return changes;
    }

    @Override
    public List<Presence> leave(String node, long nowMillis) {
        connections.withStatements(s -> {
            PresenceRows.dropLease(s, node);
            return null;
        });
        List<Presence> changes = new ArrayList<>();
        takeOffline(node, nowMillis, changes);
        return changes;
    }

    /** Takes a node's users offline chunk by chunk; false when the node turned out to be back. */
    private boolean takeOffline(String node, long nowMillis, List<Presence> changes) {
        while (true) {
            List<Long> uids = connections.withStatements(s -> PresenceRows.usersOf(s, node, 0, CHUNK));
            if (uids.isEmpty()) {
                return true;
            }
            PresenceRows.Sweep sweep = connections.transaction(c -> {
                PresenceRows.Sweep done = withStatements(c, s ->
                        PresenceRows.sweep(s, node, uids, nowMillis, webhooks.current(s, nowMillis), true));
                announced(c, done.changes());
                return done;
            });
            changes.addAll(sweep.changes());
            if (sweep.nodeIsBack()) {
                return false;
            }
        }
    }

    /** NOTIFYs the changes in the transaction that made them; returns them. */
    private List<Presence> announced(Connection c, List<Presence> changes) throws SQLException {
        PgBatch.notify(c, InboxNotifications.PRESENCE_CHANNEL, InboxNotifications.encodePresence(origin, changes));
        return changes;
    }

    private static <T> T withStatements(Connection c, fishchat.store.jdbc.SqlWork<fishchat.store.jdbc.Statements, T> work)
            throws SQLException {
        try (ClosingStatements statements = new ClosingStatements(c)) {
            return work.apply(statements);
        }
    }
}
