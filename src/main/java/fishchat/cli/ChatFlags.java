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

    @Option(names = "--groups", defaultValue = "open", paramLabel = "open|managed", converter = GroupsConverter.class,
            description = "Who changes group membership: open (clients join and leave any group, as FishChatServer2's "
                    + "do) or managed (clients' joins and leaves are refused; the server API's PUT/DELETE "
                    + "/v1/groups/{id}/members/{uid} change it) (default: ${DEFAULT-VALUE}).")
    AccessOptions.Groups groups;

    AccessOptions options() {
        return new AccessOptions(maxMessage, retention, maxSessionsPerUser, messagesPerSecond, bytesPerSecond,
                overLimitGrace, maxGroupsPerUser, groups);
    }

    static final class GroupsConverter implements picocli.CommandLine.ITypeConverter<AccessOptions.Groups> {
        @Override
        public AccessOptions.Groups convert(String value) {
            return switch (value) {
                case "open" -> AccessOptions.Groups.OPEN;
                case "managed" -> AccessOptions.Groups.MANAGED;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a group mode (open, managed)");
            };
        }
    }
}
