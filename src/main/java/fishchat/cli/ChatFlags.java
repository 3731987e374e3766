package fishchat.cli;

import fishchat.access.AccessOptions;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Chat settings of an access server. */
final class ChatFlags {
    @Option(names = "--idle-timeout", defaultValue = "90s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a session that sends nothing this long (clients ping every 5-10 s) (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--max-message", defaultValue = "4096", paramLabel = "BYTES",
            description = "Largest message text in UTF-8 bytes; larger sends get 90004 (default: ${DEFAULT-VALUE}).")
    int maxMessage;

    @Option(names = "--retention", defaultValue = "7d", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long messages are kept (default: ${DEFAULT-VALUE}).")
    Duration retention;

    @Option(names = "--max-sessions-per-user", defaultValue = "5", paramLabel = "N",
            description = "Devices logged in as one uid at once; a login over it closes the oldest session "
                    + "with a kick frame (cmd 20011) (default: ${DEFAULT-VALUE}).")
    int maxSessionsPerUser;

    @Option(names = "--max-msg-rate", defaultValue = "100", paramLabel = "MSG/S",
            description = "Sends, joins and leaves per second per user on this node, all its sessions together "
                    + "(bursts of twice that); more get 90005 and are not stored; 0: no limit (default: ${DEFAULT-VALUE}).")
    int messagesPerSecond;

    @Option(names = "--max-byte-rate", defaultValue = "1048576", paramLabel = "BYTES/S",
            description = "Message bytes per second per user on this node (bursts of twice that); 0: no limit (default: ${DEFAULT-VALUE}).")
    int bytesPerSecond;

    @Option(names = "--over-limit-grace", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A session refused for its user's rate this long without a pause is disconnected (default: ${DEFAULT-VALUE}).")
    Duration overLimitGrace;

    @Option(names = "--max-groups-per-user", defaultValue = "1000", paramLabel = "N",
            description = "Groups one user may be a member of; a join over it is refused with 10001 (default: ${DEFAULT-VALUE}).")
    int maxGroupsPerUser;

    AccessOptions options() {
        return new AccessOptions(maxMessage, retention, maxSessionsPerUser, messagesPerSecond, bytesPerSecond,
                overLimitGrace, maxGroupsPerUser);
    }
}
