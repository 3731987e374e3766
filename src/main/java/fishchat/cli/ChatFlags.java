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

    AccessOptions options() {
        return new AccessOptions(maxMessage, retention);
    }
}
