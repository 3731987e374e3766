package fishchat.store.postgres;

import fishchat.store.AppendResult;
import fishchat.store.Delivery;
import fishchat.store.NewMessage;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One group-commit transaction on a pooled connection: the appends of a batch, then one
 * NOTIFY per 7.9 KB of (uid, newest seq) pairs, then COMMIT (NOTIFY is delivered only
 * when the commit is).
 */
final class PgBatch {
    private static final String APPEND = "SELECT status, uids, seqs FROM fishchat_append(?, ?, ?, ?, ?, ?)";

    private final Connection connection;
    private final Map<Long, Long> newestSeqs = new HashMap<>();
    private PreparedStatement append;

    PgBatch(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
    }

    Connection connection() {
        return connection;
    }

    AppendResult append(NewMessage m) throws SQLException {
        if (append == null) {
            append = connection.prepareStatement(APPEND);
        }
        append.setLong(1, m.sourceUid());
        append.setLong(2, m.targetUid());
        append.setLong(3, m.groupId());
        append.setString(4, m.msgId());
        append.setString(5, m.body());
        append.setLong(6, m.sentAtMillis());
        try (ResultSet rs = append.executeQuery()) {
            rs.next();
            String status = rs.getString(1);
            switch (status) {
                case "duplicate":
                    return AppendResult.DUPLICATE;
                case "not_a_member":
                    return AppendResult.NOT_A_MEMBER;
                case "stored":
                    break;
                default:
                    throw new SQLException("fishchat_append answered an unknown status: " + status);
            }
            Long[] uids = longs(rs.getArray(2));
            Long[] seqs = longs(rs.getArray(3));
            List<Delivery> deliveries = new ArrayList<>(uids.length);
            for (int i = 0; i < uids.length; i++) {
                deliveries.add(new Delivery(uids[i], seqs[i]));
                newestSeqs.merge(uids[i], seqs[i], Math::max);
            }
            return AppendResult.stored(deliveries);
        }
    }

    private static Long[] longs(Array array) throws SQLException {
        try {
            return (Long[]) array.getArray();
        } finally {
            array.free();
        }
    }

    /** Announces the batch's deliveries and commits; both or neither happen. */
    void commit(String origin) throws SQLException {
        if (!newestSeqs.isEmpty()) {
            try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                for (String payload : InboxNotifications.encode(origin, newestSeqs)) {
                    notify.setString(1, InboxNotifications.CHANNEL);
                    notify.setString(2, payload);
                    notify.execute();
                }
            }
        }
        connection.commit();
    }

    /** Rolls back what is open and hands the connection back to the pool. Never throws. */
    void abandon() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection is broken: the pool will notice and replace it.
        }
        release();
    }

    void release() {
        try {
            if (append != null) {
                append.close();
            }
            connection.close();
        } catch (SQLException e) {
            // Closing a broken connection fails; the pool evicts it either way.
        }
    }
}
