package fishchat.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code --shutdown-grace}: how long an orderly stop may let in-flight requests finish. */
final class ShutdownFlag {
    @Option(names = "--shutdown-grace", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "On SIGTERM/SIGINT: stop accepting, deregister, let in-flight requests finish for up to this "
                    + "long, flush the store, exit 0 (default: ${DEFAULT-VALUE}).")
    Duration grace;
}
