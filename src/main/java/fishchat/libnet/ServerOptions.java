package fishchat.libnet;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FrameServer} listens and treats its connections: where, with which
 * {@linkplain #limits() connection limits}, and what it does with frames.
 *
 * @param bind                address to listen on (port 0 picks a free port)
 * @param backlog             pending-connection queue; the JDK default of 50 drops SYNs in a storm
 * @param maxConnections      sessions at once; a connection over it is answered ({@code refusals}) and closed
 * @param maxConnectionsPerIp sessions at once from one source address (0: no cap); over it: answered, closed
 * @param newConnectionsPerSecond      connections accepted per second by this server, bursts of one second's worth (0: no cap)
 * @param newConnectionsPerIpPerSecond connections accepted per second from one source address, bursts of one second's worth (0: no cap)
 * @param maxFrameBody        largest body accepted (≤ 65 535); a larger header gets {@code oversizeFrame} and a close
 * @param handshakeTimeout    a connection that has not sent one complete frame this long after opening is closed (zero: never);
 *                            with TLS this includes the TLS handshake
 * @param idleTimeout         a session that sends nothing this long is closed (zero: never)
 * @param writeTimeout        a write blocked this long closes the session (zero: never)
 * @param readBufferSize      per-session read buffer: small, since it is held by every idle connection
 * @param pushQueueCapacity   pushes queued for a client that is not reading before it is cut
 * @param refusals            what a connection refused at admission is answered with, or null (close only)
 * @param oversizeFrame       encoded frame sent before closing on an oversize frame, or null
 * @param tlsBind             a second address, served over TLS with {@code tls} (null: plaintext only)
 * @param tls                 the certificate for {@code tlsBind}
 * @param name                used in thread names and log lines
 */
public record ServerOptions(
        InetSocketAddress bind,
        int backlog,
        int maxConnections,
        int maxConnectionsPerIp,
        double newConnectionsPerSecond,
        double newConnectionsPerIpPerSecond,
        int maxFrameBody,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration writeTimeout,
        int readBufferSize,
        int pushQueueCapacity,
        Refusal.Answers refusals,
        Frame oversizeFrame,
        InetSocketAddress tlsBind,
        TlsCredentials tls,
        String name) {

    /** A reconnect storm after a node dies arrives at once; the kernel caps it at net.core.somaxconn (4096 on current kernels). */
    public static final int DEFAULT_BACKLOG = 4096;
    public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
    public static final int DEFAULT_READ_BUFFER = 128;
    public static final int DEFAULT_PUSH_QUEUE = 64;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public ServerOptions {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        if (backlog < 1 || maxConnections < 1 || readBufferSize < Frame.HEADER_BYTES || pushQueueCapacity < 1) {
            throw new IllegalArgumentException("backlog, maxConnections, readBufferSize and pushQueueCapacity must be positive");
        }
        if (maxConnectionsPerIp < 0 || newConnectionsPerSecond < 0 || newConnectionsPerIpPerSecond < 0) {
            throw new IllegalArgumentException("connection caps and rates must not be negative");
        }
        if ((tlsBind == null) != (tls == null)) {
            throw new IllegalArgumentException("a TLS address needs credentials, and credentials an address");
        }
        if (maxFrameBody < 0 || maxFrameBody > Frame.MAX_BODY) {
            throw new IllegalArgumentException("maxFrameBody must be within 0.." + Frame.MAX_BODY);
        }
        if (handshakeTimeout.isNegative() || idleTimeout.isNegative() || writeTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    /** The caps, rates and timeouts its {@link Server} applies to every connection. */
    public ConnectionLimits limits() {
        return new ConnectionLimits(backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond,
                newConnectionsPerIpPerSecond, handshakeTimeout, idleTimeout, writeTimeout, name);
    }

    /** Defaults for a server on {@code bind}: 10 s handshake and write timeouts, no idle timeout, no per-address cap or rate, plaintext only. */
    public static ServerOptions defaults(InetSocketAddress bind, String name) {
        return new ServerOptions(bind, DEFAULT_BACKLOG, DEFAULT_MAX_CONNECTIONS, 0, 0, 0, Frame.MAX_BODY,
                DEFAULT_HANDSHAKE_TIMEOUT, Duration.ZERO, Duration.ofSeconds(10), DEFAULT_READ_BUFFER, DEFAULT_PUSH_QUEUE,
                null, null, null, null, name);
    }

    public ServerOptions withBind(InetSocketAddress value) {
        return new ServerOptions(value, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withBacklog(int value) {
        return new ServerOptions(bind, value, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withMaxConnections(int value) {
        return new ServerOptions(bind, backlog, value, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withMaxConnectionsPerIp(int value) {
        return new ServerOptions(bind, backlog, maxConnections, value, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withNewConnectionsPerSecond(double value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, value, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withNewConnectionsPerIpPerSecond(double value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, value, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withMaxFrameBody(int value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, value, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withHandshakeTimeout(Duration value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, value, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withIdleTimeout(Duration value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, value, writeTimeout, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withWriteTimeout(Duration value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, value, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withReadBufferSize(int value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, value, pushQueueCapacity, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withPushQueueCapacity(int value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, value, refusals, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withRefusals(Refusal.Answers value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, value, oversizeFrame, tlsBind, tls, name);
    }

    public ServerOptions withOversizeFrame(Frame value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, refusals, value, tlsBind, tls, name);
    }

    /** Also listens on {@code address} for TLS connections with {@code credentials}. */
    public ServerOptions withTls(InetSocketAddress address, TlsCredentials credentials) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond, newConnectionsPerIpPerSecond, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, refusals, oversizeFrame, address, credentials, name);
    }
}
