package fishchat.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** What the fixed-rate message benches (chat, group) share: how long they send and how big a message is. */
final class SendFlags {
    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Sending time (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--message-bytes", defaultValue = "100", paramLabel = "BYTES",
            description = "Message size (default: ${DEFAULT-VALUE}).")
    int messageBytes;
}
