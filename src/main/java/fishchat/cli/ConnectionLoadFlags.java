package fishchat.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** How many connections a request/reply load program holds, for how long it measures, from where. */
final class ConnectionLoadFlags {
    @Option(names = "--conns", defaultValue = "64", paramLabel = "N", description = "Connections (default: ${DEFAULT-VALUE}).")
    int conns;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Measured time (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Unmeasured time first (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--sources", defaultValue = "8", paramLabel = "N",
            description = "Loopback source addresses 127.0.0.2.. to spread connections over (default: ${DEFAULT-VALUE}).")
    int sources;
}
