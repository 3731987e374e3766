package fishchat.store.jdbc;

import fishchat.store.EventOutbox;
import fishchat.store.OutboxEvent;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The webhook outbox in SQL, the same on both engines: tables {@code webhook_outbox} (one row per
 * event and receiver, ids that only grow) and {@code webhook_leases} (one row per receiver: who
 * delivers it, until when, and when a node last named it).
 */
public final class OutboxRows {
    private static final String INSERT_MESSAGE_EVENT = """
            INSERT INTO webhook_outbox (target, type, uid, seq, source_uid, group_id, devices, at)
            VALUES (?, 'message.stored', ?, ?, ?, ?, coalesce((SELECT devices FROM user_presence WHERE uid = ?), 0), ?)""";
    private static final String INSERT_PRESENCE_EVENT = """
            INSERT INTO webhook_outbox (target, type, uid, seq, source_uid, group_id, devices, at)
            VALUES (?, ?, ?, 0, 0, 0, ?, ?)""";
    private static final String PENDING = """
            SELECT id, type, uid, seq, source_uid, group_id, devices, at FROM webhook_outbox
            WHERE target = ? ORDER BY id LIMIT ?""";
    private static final String DELETE = "DELETE FROM webhook_outbox WHERE target = ? AND id = ?";
    private static final String BACKLOG = "SELECT count(*) FROM webhook_outbox WHERE target = ?";
    /**
     * Takes the lease when it is free, expired or already the holder's; either way the receiver is
     * marked as named now (seen_at), which keeps its events being written.
     */
    private static final String CLAIM = """
            INSERT INTO webhook_leases (target, holder, expires_at, seen_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (target) DO UPDATE SET
                holder = CASE WHEN webhook_leases.holder = excluded.holder OR webhook_leases.expires_at < excluded.seen_at
                              THEN excluded.holder ELSE webhook_leases.holder END,
                expires_at = CASE WHEN webhook_leases.holder = excluded.holder OR webhook_leases.expires_at < excluded.seen_at
                                  THEN excluded.expires_at ELSE webhook_leases.expires_at END,
                seen_at = excluded.seen_at
            RETURNING holder""";
    private static final String RECORDED = "SELECT target FROM webhook_leases WHERE seen_at >= ? ORDER BY target";

    private OutboxRows() {
    }

    /** A message.stored event for {@code uid}'s copy at {@code seq}, for each receiver; online as the store says now. */
    public static void messageStored(Statements s, List<String> targets, long uid, long seq, long fromUid, long groupId,
                                     long atMillis) throws SQLException {
        PreparedStatement ps = s.prepare(INSERT_MESSAGE_EVENT);
        for (String target : targets) {
            ps.setString(1, target);
            ps.setLong(2, uid);
            ps.setLong(3, seq);
            ps.setLong(4, fromUid);
            ps.setLong(5, groupId);
            ps.setLong(6, uid);
            ps.setLong(7, atMillis);
            ps.executeUpdate();
        }
    }

    /** A user.online or user.offline event, for each receiver. */
    public static void presenceChanged(Statements s, List<String> targets, long uid, int devices, long atMillis)
            throws SQLException {
        PreparedStatement ps = s.prepare(INSERT_PRESENCE_EVENT);
        for (String target : targets) {
            ps.setString(1, target);
            ps.setString(2, devices > 0 ? OutboxEvent.USER_ONLINE : OutboxEvent.USER_OFFLINE);
            ps.setLong(3, uid);
            ps.setInt(4, devices);
            ps.setLong(5, atMillis);
            ps.executeUpdate();
        }
    }

    public static List<OutboxEvent> pending(Statements s, String target, int limit) throws SQLException {
        PreparedStatement ps = s.prepare(PENDING);
        ps.setString(1, target);
        ps.setInt(2, limit);
        List<OutboxEvent> events = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                events.add(new OutboxEvent(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getInt(7), rs.getLong(8)));
            }
        }
        return events;
    }

    public static void delete(Statements s, String target, List<Long> ids) throws SQLException {
        PreparedStatement ps = s.prepare(DELETE);
        for (long id : ids) {
            ps.setString(1, target);
            ps.setLong(2, id);
            ps.addBatch();
        }
        ps.executeBatch();
    }

    public static long backlog(Statements s, String target) throws SQLException {
        PreparedStatement ps = s.prepare(BACKLOG);
        ps.setString(1, target);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    public static boolean claim(Statements s, String target, String holder, long nowMillis, Duration lease)
            throws SQLException {
        PreparedStatement ps = s.prepare(CLAIM);
        ps.setString(1, target);
        ps.setString(2, holder);
        ps.setLong(3, nowMillis + lease.toMillis());
        ps.setLong(4, nowMillis);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() && holder.equals(rs.getString(1));
        }
    }

    /** The receivers whose events are written now: those a node named within {@link EventOutbox#RECORDING_GRACE}. */
    public static List<String> recorded(Statements s, long nowMillis) throws SQLException {
        PreparedStatement ps = s.prepare(RECORDED);
        ps.setLong(1, nowMillis - EventOutbox.RECORDING_GRACE.toMillis());
        List<String> targets = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                targets.add(rs.getString(1));
            }
        }
        return List.copyOf(targets);
    }
}
