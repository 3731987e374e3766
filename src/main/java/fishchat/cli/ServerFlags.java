package fishchat.cli;

import fishchat.libnet.ServerOptions;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Listening flags shared by every server command. */
final class ServerFlags {
    @Option(names = "--backlog", defaultValue = "4096", paramLabel = "N",
            description = "Pending-connection queue of the listening socket; the kernel caps it at net.core.somaxconn (default: ${DEFAULT-VALUE}).")
    int backlog;

    @Option(names = "--max-connections", defaultValue = "100000", paramLabel = "N",
            description = "Connections served at once; one more is answered Error 90001 and closed (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-ip", defaultValue = "5000", paramLabel = "N",
            description = "Connections at once from one source address (IPv6: one /64); one more is answered Error 90005 "
                    + "and closed; 0: no cap. Raise it for clients behind a large NAT (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp;

    @Option(names = "--new-connection-rate-per-ip", defaultValue = "500", paramLabel = "N",
            description = "New connections per second from one source address (bursts of one second's worth); one more "
                    + "is answered Error 90005 with retryAfterMs and closed; 0: no cap (default: ${DEFAULT-VALUE}).")
    double newConnectionRatePerIp;

    @Option(names = "--new-connection-rate", defaultValue = "0", paramLabel = "N",
            description = "New connections per second to this server from anyone, e.g. what its cores can log in (and "
                    + "TLS-handshake) per second, so a reconnect storm is spread out; over it: Error 90005 with "
                    + "retryAfterMs; 0: no cap (default: ${DEFAULT-VALUE}).")
    double newConnectionRate;

    @Option(names = "--handshake-timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a connection that has not sent one complete frame this long after connecting, TLS handshake included (default: ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    @Option(names = "--write-timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "A client whose socket write stays blocked this long is disconnected (default: ${DEFAULT-VALUE}).")
    Duration writeTimeout;

    @Option(names = "--admin-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Serve GET /healthz and /metrics (Prometheus) here; keep it private (default: off).")
    InetSocketAddress adminListen;

    @Option(names = "--read-buffer", defaultValue = "128", paramLabel = "BYTES", hidden = true,
            description = "Per-connection read buffer (default: ${DEFAULT-VALUE}).")
    int readBuffer;

    ServerOptions options(InetSocketAddress bind, String name, Duration idleTimeout) {
        return ServerOptions.defaults(bind, name)
                .withBacklog(backlog)
                .withMaxConnections(maxConnections)
                .withMaxConnectionsPerIp(maxConnectionsPerIp)
                .withNewConnectionsPerIpPerSecond(newConnectionRatePerIp)
                .withNewConnectionsPerSecond(newConnectionRate)
                .withHandshakeTimeout(handshakeTimeout)
                .withWriteTimeout(writeTimeout)
                .withReadBufferSize(readBuffer)
                .withIdleTimeout(idleTimeout);
    }
}
