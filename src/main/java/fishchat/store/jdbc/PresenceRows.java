package fishchat.store.jdbc;

import fishchat.store.Presence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Presence in SQL, the same on both engines. {@code node_presence} holds each node's device count
 * per user (only that node writes its rows); {@code user_presence} the total over all nodes and
 * since when it is what it is, one row per user ever seen, whose row lock serialises two nodes
 * changing one user at once; {@code node_leases} until when each node vouches for its rows.
 */
public final class PresenceRows {
    /**
     * Takes the user's inbox row lock, the one every append to that user takes first: a user's
     * webhook events (message.stored, user.online/offline) then get their ids in the order they
     * commit, which is what keeps them in order per user for the receivers.
     */
    private static final String LOCK_INBOX = """
            INSERT INTO user_seq (uid, last_seq) VALUES (?, 0)
            ON CONFLICT (uid) DO UPDATE SET last_seq = user_seq.last_seq""";
    private static final String LOCK_USER = """
            INSERT INTO user_presence (uid, devices, since) VALUES (?, 0, 0)
            ON CONFLICT (uid) DO UPDATE SET devices = user_presence.devices
            RETURNING devices, since""";
    private static final String SET_NODE = """
            INSERT INTO node_presence (node_id, uid, devices, since) VALUES (?, ?, ?, ?)
            ON CONFLICT (node_id, uid) DO UPDATE SET devices = excluded.devices""";
    private static final String DROP_NODE = "DELETE FROM node_presence WHERE node_id = ? AND uid = ?";
    private static final String TOTAL = "SELECT coalesce(sum(devices), 0), coalesce(min(since), 0) FROM node_presence WHERE uid = ?";
    private static final String SET_USER = "UPDATE user_presence SET devices = ?, since = ? WHERE uid = ?";
    /** Only a lease still running: one that ran out may have been swept, its users taken offline. */
    private static final String RENEW = "UPDATE node_leases SET expires_at = ? WHERE node_id = ? AND expires_at >= ?";
    private static final String LEASE_ALIVE = "SELECT 1 FROM node_leases WHERE node_id = ? AND expires_at >= ?";
    private static final String DROP_EXPIRED_LEASE = "DELETE FROM node_leases WHERE node_id = ? AND expires_at < ?";
    private static final String ADD_LEASE = """
            INSERT INTO node_leases (node_id, expires_at) VALUES (?, ?)
            ON CONFLICT (node_id) DO UPDATE SET expires_at = excluded.expires_at""";
    private static final String DROP_LEASE = "DELETE FROM node_leases WHERE node_id = ?";
    /** Nodes whose lease ran out, and nodes with rows but no lease at all (left over from a sweep cut short). */
    private static final String GONE = """
            SELECT node_id FROM node_leases WHERE expires_at < ?
            UNION
            SELECT DISTINCT p.node_id FROM node_presence p
            WHERE NOT EXISTS (SELECT 1 FROM node_leases l WHERE l.node_id = p.node_id)""";
    private static final String NODE_USERS = "SELECT uid FROM node_presence WHERE node_id = ? AND uid > ? ORDER BY uid LIMIT ?";

    private PresenceRows() {
    }

    /**
     * Sets {@code node}'s device counts (in uid order, the order appends take their locks in) and
     * returns the users whose total changed, writing user.online/offline events for each receiver
     * in {@code targets} when one went online or offline.
     *
     * @param lockInbox take each user's inbox row lock first (a store that several nodes write at
     *                  once, while webhook events are written)
     */
    public static List<Presence> record(Statements s, String node, Map<Long, Integer> devices, long nowMillis,
                                        List<String> targets, boolean lockInbox) throws SQLException {
        List<Presence> changes = new ArrayList<>();
        for (Map.Entry<Long, Integer> entry : new TreeMap<>(devices).entrySet()) {
            Presence change = apply(s, node, entry.getKey(), entry.getValue(), nowMillis, targets, lockInbox, false);
            if (change != null) {
                changes.add(change);
            }
        }
        return changes;
    }

    /** What a sweep of some users of a gone node did: their changes, and whether it found the node back. */
    public record Sweep(List<Presence> changes, boolean nodeIsBack) {
    }

    /**
     * Takes these users (in uid order) of a gone node offline there, as {@link #record} with 0
     * devices each; stops at the first user when the node turns out to hold a live lease again
     * (it was cut off, not dead, and is putting its users back).
     */
    public static Sweep sweep(Statements s, String node, List<Long> uids, long nowMillis, List<String> targets,
                              boolean lockInbox) throws SQLException {
        List<Presence> changes = new ArrayList<>();
        for (long uid : uids) {
            Presence change;
            try {
                change = apply(s, node, uid, 0, nowMillis, targets, lockInbox, true);
            } catch (NodeIsBack e) {
                return new Sweep(changes, true);
            }
            if (change != null) {
                changes.add(change);
            }
        }
        return new Sweep(changes, false);
    }

    /** A swept node renewed its lease meanwhile: the sweep of it stops. */
    private static final class NodeIsBack extends RuntimeException {
        NodeIsBack() {
            super(null, null, false, false);
        }
    }

    /** One user's count on one node; the user's new presence when its total changed, else null. */
    private static Presence apply(Statements s, String node, long uid, int devices, long nowMillis, List<String> targets,
                                  boolean lockInbox, boolean onlyIfGone) throws SQLException {
        if (lockInbox && !targets.isEmpty()) {
            PreparedStatement lock = s.prepare(LOCK_INBOX);
            lock.setLong(1, uid);
            lock.executeUpdate();
        }
        int before;
        long beforeSince;
        PreparedStatement lockUser = s.prepare(LOCK_USER);
        lockUser.setLong(1, uid);
        try (ResultSet rs = lockUser.executeQuery()) {
            rs.next();
            before = rs.getInt(1);
            beforeSince = rs.getLong(2);
        }
        // Checked under the user's lock: a node that put this user back after renewing its lease
        // did so before we got the lock (we see its lease), or will after we let it go.
        if (onlyIfGone && leaseAlive(s, node, nowMillis)) {
            throw new NodeIsBack();
        }
        setNode(s, node, uid, devices, nowMillis);
        int total;
        long earliest;
        PreparedStatement sum = s.prepare(TOTAL);
        sum.setLong(1, uid);
        try (ResultSet rs = sum.executeQuery()) {
            rs.next();
            total = rs.getInt(1);
            earliest = rs.getLong(2);
        }
        if (total == before) {
            return null;
        }
        // Online since the first device came (kept while devices come and go); offline since now.
        long since = total == 0 ? nowMillis : before > 0 ? beforeSince : earliest;
        PreparedStatement update = s.prepare(SET_USER);
        update.setInt(1, total);
        update.setLong(2, since);
        update.setLong(3, uid);
        update.executeUpdate();
        if ((total > 0) != (before > 0)) {
            OutboxRows.presenceChanged(s, targets, uid, total, since);
        }
        return new Presence(uid, total, since);
    }

    private static boolean leaseAlive(Statements s, String node, long nowMillis) throws SQLException {
        PreparedStatement ps = s.prepare(LEASE_ALIVE);
        ps.setString(1, node);
        ps.setLong(2, nowMillis);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private static void setNode(Statements s, String node, long uid, int devices, long nowMillis) throws SQLException {
        if (devices > 0) {
            PreparedStatement ps = s.prepare(SET_NODE);
            ps.setString(1, node);
            ps.setLong(2, uid);
            ps.setInt(3, devices);
            ps.setLong(4, nowMillis);
            ps.executeUpdate();
        } else {
            PreparedStatement ps = s.prepare(DROP_NODE);
            ps.setString(1, node);
            ps.setLong(2, uid);
            ps.executeUpdate();
        }
    }

    /** The users' presence, in the order asked; never seen: {@link Presence#neverSeen}. */
    public static List<Presence> read(Statements s, Collection<Long> uids) throws SQLException {
        Map<Long, Presence> found = new HashMap<>();
        for (List<Long> chunk : InLists.chunks(uids)) {
            PreparedStatement ps = s.prepare(
                    "SELECT uid, devices, since FROM user_presence WHERE uid IN (" + InLists.marks(chunk.size()) + ")");
            InLists.bind(ps, 1, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getLong(1), new Presence(rs.getLong(1), rs.getInt(2), rs.getLong(3)));
                }
            }
        }
        List<Presence> answer = new ArrayList<>(uids.size());
        for (long uid : uids) {
            answer.add(found.getOrDefault(uid, Presence.neverSeen(uid)));
        }
        return answer;
    }

    /** Extends the lease; false when the node held none, or one that had run out (then it is created anew). */
    public static boolean renewLease(Statements s, String node, long nowMillis, Duration lease) throws SQLException {
        PreparedStatement renew = s.prepare(RENEW);
        renew.setLong(1, nowMillis + lease.toMillis());
        renew.setString(2, node);
        renew.setLong(3, nowMillis);
        if (renew.executeUpdate() == 1) {
            return true;
        }
        PreparedStatement add = s.prepare(ADD_LEASE);
        add.setString(1, node);
        add.setLong(2, nowMillis + lease.toMillis());
        add.executeUpdate();
        return false;
    }

    /** Nodes to sweep: lease run out before {@code nowMillis}, or rows without a lease. */
    public static List<String> gone(Statements s, long nowMillis) throws SQLException {
        PreparedStatement ps = s.prepare(GONE);
        ps.setLong(1, nowMillis);
        List<String> nodes = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                nodes.add(rs.getString(1));
            }
        }
        return nodes;
    }

    /** Up to {@code limit} users with rows of {@code node}, uids above {@code afterUid}, by uid. */
    public static List<Long> usersOf(Statements s, String node, long afterUid, int limit) throws SQLException {
        PreparedStatement ps = s.prepare(NODE_USERS);
        ps.setString(1, node);
        ps.setLong(2, afterUid);
        ps.setInt(3, limit);
        List<Long> uids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                uids.add(rs.getLong(1));
            }
        }
        return uids;
    }

    /** Forgets a node's lease (an orderly stop). */
    public static void dropLease(Statements s, String node) throws SQLException {
        PreparedStatement ps = s.prepare(DROP_LEASE);
        ps.setString(1, node);
        ps.executeUpdate();
    }

    /** Forgets a swept node's lease, unless it renewed it meanwhile. */
    public static void dropExpiredLease(Statements s, String node, long nowMillis) throws SQLException {
        PreparedStatement ps = s.prepare(DROP_EXPIRED_LEASE);
        ps.setString(1, node);
        ps.setLong(2, nowMillis);
        ps.executeUpdate();
    }
}
