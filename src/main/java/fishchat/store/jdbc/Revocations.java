package fishchat.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token revocations in SQL, the same on both engines: a column of {@code user_seq}, so that a login
 * reads it with the user's newest seq in one query ({@link InboxQueries#LOGIN_STATE}).
 */
public final class Revocations {
    /** Keeps the later of the stored and the new time; creates the user's row when it has none. */
    private static final String REVOKE = """
            INSERT INTO user_seq (uid, last_seq, revoked_at) VALUES (?, 0, ?)
            ON CONFLICT (uid) DO UPDATE SET revoked_at =
                CASE WHEN excluded.revoked_at > user_seq.revoked_at THEN excluded.revoked_at ELSE user_seq.revoked_at END
            RETURNING revoked_at""";

    private Revocations() {
    }

    /** Records a revocation at {@code atMillis}; returns the one in force. */
    public static long revoke(Statements statements, long uid, long atMillis) throws SQLException {
        PreparedStatement ps = statements.prepare(REVOKE);
        ps.setLong(1, uid);
        ps.setLong(2, atMillis);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The revocation times of those of {@code uids} ever revoked. */
    public static Map<Long, Long> of(Statements statements, Collection<Long> uids) throws SQLException {
        Map<Long, Long> revoked = new HashMap<>();
        for (List<Long> chunk : InLists.chunks(uids)) {
            PreparedStatement ps = statements.prepare(
                    "SELECT uid, revoked_at FROM user_seq WHERE revoked_at > 0 AND uid IN (" + InLists.marks(chunk.size()) + ")");
            InLists.bind(ps, 1, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    revoked.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return revoked;
    }
}
