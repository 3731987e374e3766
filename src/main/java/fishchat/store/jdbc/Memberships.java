package fishchat.store.jdbc;

import fishchat.store.JoinResult;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Group membership in SQL, the same on both engines (table {@code group_members (group_id, uid)}). */
public final class Memberships {
    private static final String IS_MEMBER = "SELECT 1 FROM group_members WHERE group_id = ? AND uid = ?";
    private static final String GROUPS_OF = "SELECT count(*) FROM group_members WHERE uid = ?";
    private static final String JOIN = "INSERT INTO group_members (group_id, uid) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String LEAVE = "DELETE FROM group_members WHERE group_id = ? AND uid = ?";
    private static final String MEMBERS = "SELECT uid FROM group_members WHERE group_id = ? ORDER BY uid";
    private static final String MEMBERS_PAGE =
            "SELECT uid FROM group_members WHERE group_id = ? AND uid > ? ORDER BY uid LIMIT ?";

    private Memberships() {
    }

    /**
     * Adds {@code uid} to the group unless it is a member already or a member of
     * {@code maxGroups} groups. (Two joins of one user racing on separate nodes may both pass the
     * count: the cap can be exceeded by as many, not more.)
     */
    public static JoinResult join(Statements statements, long groupId, long uid, int maxGroups) throws SQLException {
        if (exists(statements.prepare(IS_MEMBER), groupId, uid)) {
            return JoinResult.ALREADY_MEMBER;
        }
        PreparedStatement count = statements.prepare(GROUPS_OF);
        count.setLong(1, uid);
        try (ResultSet rs = count.executeQuery()) {
            if (rs.next() && rs.getLong(1) >= maxGroups) {
                return JoinResult.TOO_MANY_GROUPS;
            }
        }
        return change(statements.prepare(JOIN), groupId, uid) ? JoinResult.JOINED : JoinResult.ALREADY_MEMBER;
    }

    /** Removes {@code uid} from the group; false when it was not a member. */
    public static boolean leave(Statements statements, long groupId, long uid) throws SQLException {
        return change(statements.prepare(LEAVE), groupId, uid);
    }

    /** The group's members, by uid. */
    public static List<Long> members(Statements statements, long groupId) throws SQLException {
        PreparedStatement ps = statements.prepare(MEMBERS);
        ps.setLong(1, groupId);
        List<Long> members = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                members.add(rs.getLong(1));
            }
        }
        return members;
    }

    /** Up to {@code limit} members with a uid above {@code afterUid}, by uid. */
    public static List<Long> members(Statements statements, long groupId, long afterUid, int limit) throws SQLException {
        PreparedStatement ps = statements.prepare(MEMBERS_PAGE);
        ps.setLong(1, groupId);
        ps.setLong(2, afterUid);
        ps.setInt(3, limit);
        List<Long> members = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                members.add(rs.getLong(1));
            }
        }
        return members;
    }

    private static boolean exists(PreparedStatement ps, long groupId, long uid) throws SQLException {
        ps.setLong(1, groupId);
        ps.setLong(2, uid);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private static boolean change(PreparedStatement ps, long groupId, long uid) throws SQLException {
        ps.setLong(1, groupId);
        ps.setLong(2, uid);
        return ps.executeUpdate() == 1;
    }
}
