package fishchat.access;

import java.time.Duration;

/**
 * Chat settings of an access server.
 *
 * @param maxMessageBytes    largest message text (UTF-8 bytes); larger sends get 90004
 * @param retention          how long messages are kept; older ones are purged hourly
 * @param maxSessionsPerUser devices logged in as one uid at once; a login over it replaces the oldest
 * @param messagesPerSecond  sends, joins and leaves a user may make per second on this node, all its sessions
 *                           together (bursts of twice that); 0: no limit
 * @param bytesPerSecond     message bytes a user may send per second on this node (bursts of twice that); 0: no limit
 * @param overLimitGrace     a session refused for its user's rate this long without a pause is disconnected
 * @param maxGroupsPerUser   groups a user may be a member of; a join over it gets 10001
 * @param groups             who changes group membership: clients themselves (OPEN), or only the server API (MANAGED)
 */
public record AccessOptions(int maxMessageBytes, Duration retention, int maxSessionsPerUser,
                            int messagesPerSecond, int bytesPerSecond, Duration overLimitGrace, int maxGroupsPerUser,
                            Groups groups) {
    /** Who may change a group's members. */
    public enum Groups {
        /** Any user may join any group id and leave it (FishChatServer2's clients expect this). */
        OPEN,
        /** Clients' joins and leaves are refused (10001, saying why); the server API changes membership. */
        MANAGED
    }

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 4096;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(90);
    public static final int DEFAULT_MAX_SESSIONS_PER_USER = 5;
    public static final int DEFAULT_MESSAGES_PER_SECOND = 100;
    public static final int DEFAULT_BYTES_PER_SECOND = 1 << 20;
    public static final Duration DEFAULT_OVER_LIMIT_GRACE = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_GROUPS_PER_USER = 1000;

    public AccessOptions {
        java.util.Objects.requireNonNull(groups, "groups");
        if (maxSessionsPerUser < 1 || messagesPerSecond < 0 || bytesPerSecond < 0 || overLimitGrace.isNegative()
                || maxGroupsPerUser < 1) {
            throw new IllegalArgumentException("max sessions and groups per user must be >= 1 and rates >= 0");
        }
        if (bytesPerSecond != 0 && 2L * bytesPerSecond < maxMessageBytes) {
            // The bucket holds twice the rate: below the largest message, that message could never pass.
            throw new IllegalArgumentException("--max-byte-rate " + bytesPerSecond + " must be at least half of --max-message "
                    + maxMessageBytes);
        }
    }

    /** Open groups, as FishChatServer2 has them. */
    public AccessOptions(int maxMessageBytes, Duration retention, int maxSessionsPerUser, int messagesPerSecond,
                         int bytesPerSecond, Duration overLimitGrace, int maxGroupsPerUser) {
        this(maxMessageBytes, retention, maxSessionsPerUser, messagesPerSecond, bytesPerSecond, overLimitGrace,
                maxGroupsPerUser, Groups.OPEN);
    }

    public static AccessOptions defaults() {
        return new AccessOptions(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_RETENTION, DEFAULT_MAX_SESSIONS_PER_USER,
                DEFAULT_MESSAGES_PER_SECOND, DEFAULT_BYTES_PER_SECOND, DEFAULT_OVER_LIMIT_GRACE, DEFAULT_MAX_GROUPS_PER_USER,
                Groups.OPEN);
    }

    public AccessOptions withMaxSessionsPerUser(int value) {
        return new AccessOptions(maxMessageBytes, retention, value, messagesPerSecond, bytesPerSecond, overLimitGrace,
                maxGroupsPerUser, groups);
    }

    public AccessOptions withRates(int messages, int bytes, Duration grace) {
        return new AccessOptions(maxMessageBytes, retention, maxSessionsPerUser, messages, bytes, grace, maxGroupsPerUser,
                groups);
    }

    public AccessOptions withMaxGroupsPerUser(int value) {
        return new AccessOptions(maxMessageBytes, retention, maxSessionsPerUser, messagesPerSecond, bytesPerSecond,
                overLimitGrace, value, groups);
    }

    public AccessOptions withGroups(Groups value) {
        return new AccessOptions(maxMessageBytes, retention, maxSessionsPerUser, messagesPerSecond, bytesPerSecond,
                overLimitGrace, maxGroupsPerUser, value);
    }
}
