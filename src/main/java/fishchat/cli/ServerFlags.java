package fishchat.cli;

import fishchat.libnet.ServerOptions;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Listening flags shared by every server command. */
final class ServerFlags {
    @Option(names = "--backlog", defaultValue = "1024", paramLabel = "N",
            description = "Pending-connection queue of the listening socket (default: ${DEFAULT-VALUE}).")
    int backlog;

    @Option(names = "--max-connections", defaultValue = "100000", paramLabel = "N",
            description = "Connections served at once; one more is answered Error 90001 and closed (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--write-timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A client whose socket write stays blocked this long is disconnected (default: ${DEFAULT-VALUE}).")
    Duration writeTimeout;

    @Option(names = "--read-buffer", defaultValue = "128", paramLabel = "BYTES", hidden = true,
            description = "Per-connection read buffer (default: ${DEFAULT-VALUE}).")
    int readBuffer;

    ServerOptions options(InetSocketAddress bind, String name, Duration idleTimeout) {
        return ServerOptions.defaults(bind, name)
                .withBacklog(backlog)
                .withMaxConnections(maxConnections)
                .withWriteTimeout(writeTimeout)
                .withReadBufferSize(readBuffer)
                .withIdleTimeout(idleTimeout);
    }
}
