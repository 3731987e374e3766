package fishchat.store.jdbc;

import fishchat.store.LoginState;
import fishchat.store.NewMessage;
import fishchat.store.StoredMessage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The reads both SQL engines share (same tables, same SQL): one place for their text and row mapping. */
public final class InboxQueries {
    public static final String READ_INBOX = """
            SELECT seq, source_uid, target_uid, group_id, msg_id, body, sent_at
            FROM inbox WHERE uid = ? AND seq > ? ORDER BY seq LIMIT ?""";
    public static final String LAST_SEQ = "SELECT last_seq FROM user_seq WHERE uid = ?";
    public static final String LOGIN_STATE = "SELECT last_seq, revoked_at FROM user_seq WHERE uid = ?";

    private InboxQueries() {
    }

    /** Runs a prepared {@link #READ_INBOX}. */
    public static List<StoredMessage> readInbox(PreparedStatement ps, long uid, long afterSeq, int limit) throws SQLException {
        ps.setLong(1, uid);
        ps.setLong(2, afterSeq);
        ps.setInt(3, limit);
        List<StoredMessage> page = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long groupId = rs.getLong(4);
                page.add(new StoredMessage(rs.getLong(1), rs.getLong(2), rs.getLong(3), groupId,
                        groupId != 0 ? NewMessage.TYPE_GROUP : NewMessage.TYPE_P2P,
                        rs.getString(5), rs.getString(6), rs.getLong(7)));
            }
        }
        return page;
    }

    /** Runs a prepared {@link #LOGIN_STATE}. */
    public static LoginState loginState(PreparedStatement ps, long uid) throws SQLException {
        ps.setLong(1, uid);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new LoginState(rs.getLong(1), rs.getLong(2)) : LoginState.NEW_USER;
        }
    }

    /** Runs a prepared {@link #LAST_SEQ}. */
    public static long lastSeq(PreparedStatement ps, long uid) throws SQLException {
        ps.setLong(1, uid);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }
}
