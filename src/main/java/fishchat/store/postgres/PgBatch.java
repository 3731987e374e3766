package fishchat.store.postgres;

import fishchat.store.AppendResult;
import fishchat.store.Delivery;
import fishchat.store.NewMessage;
import fishchat.store.jdbc.ClosingStatements;
import fishchat.store.jdbc.RecordedTargets;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One group-commit transaction on a pooled connection: the batch's messages go to
 * {@code fishchat_append_many} in one round trip (with the webhook receivers to write events
 * for), then one NOTIFY per 7.9 KB of (uid, newest seq) pairs, own copies on a channel of their
 * own, then COMMIT (NOTIFY is delivered only when the commit is).
 *
 * <p>When the batch call fails, it is rolled back and each message is tried alone (each
 * behind a savepoint), so a message the database refuses fails only its own sender.
 */
final class PgBatch {
    private static final String APPEND_MANY =
            "SELECT idx, status, uids, seqs FROM fishchat_append_many(?, ?, ?, ?, ?, ?, ?)";

    private final Connection connection;
    private final List<PendingAppend> pending = new ArrayList<>();
    private final Map<Long, Long> newestSeqs = new HashMap<>();
    private final Map<Long, Long> newestOwnCopies = new HashMap<>();
    private final RecordedTargets webhooks;

    PgBatch(Connection connection, RecordedTargets webhooks) throws SQLException {
        this.connection = connection;
        this.webhooks = webhooks;
        connection.setAutoCommit(false);
    }

    Connection connection() {
        return connection;
    }

    /** Queues a message for this batch; its outcome is known after {@link #commit}. */
    PendingAppend add(NewMessage m) {
        PendingAppend p = new PendingAppend(m);
        pending.add(p);
        return p;
    }

    private void flush() throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        try {
            appendAll(pending);
        } catch (SQLException batchFailure) {
            // The batch call is the transaction's first statement: rolling back undoes exactly it.
            connection.rollback();
            for (PendingAppend p : pending) {
                Savepoint alone = connection.setSavepoint();
                try {
                    appendAll(List.of(p));
                    connection.releaseSavepoint(alone);
                } catch (SQLException e) {
                    connection.rollback(alone);
                    p.refused(e.getMessage());
                }
            }
        }
    }

    private void appendAll(List<PendingAppend> batch) throws SQLException {
        int n = batch.size();
        Long[] senders = new Long[n];
        Long[] targets = new Long[n];
        Long[] groups = new Long[n];
        String[] msgIds = new String[n];
        String[] bodies = new String[n];
        Long[] sentAt = new Long[n];
        for (int i = 0; i < n; i++) {
            NewMessage m = batch.get(i).message;
            senders[i] = m.sourceUid();
            targets[i] = m.targetUid();
            groups[i] = m.groupId();
            msgIds[i] = m.msgId();
            bodies[i] = m.body();
            sentAt[i] = m.sentAtMillis();
        }
        List<String> receivers;
        try (ClosingStatements statements = new ClosingStatements(connection)) {
            receivers = webhooks.current(statements, System.currentTimeMillis());
        }
        try (PreparedStatement ps = connection.prepareStatement(APPEND_MANY)) {
            ps.setArray(1, connection.createArrayOf("bigint", senders));
            ps.setArray(2, connection.createArrayOf("bigint", targets));
            ps.setArray(3, connection.createArrayOf("bigint", groups));
            ps.setArray(4, connection.createArrayOf("text", msgIds));
            ps.setArray(5, connection.createArrayOf("text", bodies));
            ps.setArray(6, connection.createArrayOf("bigint", sentAt));
            ps.setArray(7, connection.createArrayOf("text", receivers.toArray()));
            AppendResult[] outcomes = new AppendResult[n];
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int i = rs.getInt(1) - 1;
                    outcomes[i] = outcome(batch.get(i).message, rs.getString(2), rs.getArray(3), rs.getArray(4));
                }
            }
            for (int i = 0; i < n; i++) { // only once every row came back: a failure above leaves nothing half-recorded
                batch.get(i).stored(outcomes[i]);
                for (Delivery d : outcomes[i].deliveries()) {
                    (d.ownCopy() ? newestOwnCopies : newestSeqs).merge(d.uid(), d.seq(), Math::max);
                }
            }
        }
    }

    private static AppendResult outcome(NewMessage m, String status, Array uidArray, Array seqArray) throws SQLException {
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
        Long[] uids = longs(uidArray);
        Long[] seqs = longs(seqArray);
        List<Delivery> deliveries = new ArrayList<>(uids.length);
        for (int i = 0; i < uids.length; i++) {
            // The sender's place in a one-to-one message is its own copy (a group's sender is a member).
            deliveries.add(new Delivery(uids[i], seqs[i], m.hasOwnCopy() && uids[i] == m.sourceUid()));
        }
        return AppendResult.stored(deliveries);
    }

    private static Long[] longs(Array array) throws SQLException {
        try {
            return (Long[]) array.getArray();
        } finally {
            array.free();
        }
    }

    /** Stores the batch, announces its deliveries and commits; all or nothing reaches other nodes. */
    void commit(String origin) throws SQLException {
        flush();
        notify(connection, InboxNotifications.CHANNEL, InboxNotifications.encode(origin, newestSeqs));
        notify(connection, InboxNotifications.OWN_CHANNEL, InboxNotifications.encode(origin, newestOwnCopies));
        connection.commit();
    }

    /** NOTIFYs each payload on {@code channel}, delivered to the listeners only when the transaction commits. */
    static void notify(Connection connection, String channel, List<String> payloads) throws SQLException {
        if (payloads.isEmpty()) {
            return;
        }
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            for (String payload : payloads) {
                notify.setString(1, channel);
                notify.setString(2, payload);
                notify.execute();
            }
        }
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
            connection.close();
        } catch (SQLException e) {
            // Closing a broken connection fails; the pool evicts it either way.
        }
    }
}
