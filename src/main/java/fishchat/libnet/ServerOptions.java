package fishchat.libnet;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FrameServer} listens and treats its connections.
 *
 * @param bind                address to listen on (port 0 picks a free port)
 * @param backlog             pending-connection queue; the JDK default of 50 drops SYNs in a storm
 * @param maxConnections      sessions at once; a connection over it gets {@code rejectFrame} and is closed
 * @param maxConnectionsPerIp sessions at once from one source address (0: no cap); over it: {@code busyFrame}, close
 * @param maxFrameBody        largest body accepted (≤ 65 535); a larger header gets {@code oversizeFrame} and a close
 * @param handshakeTimeout    a connection that has not sent one complete frame this long after opening is closed (zero: never)
 * @param idleTimeout         a session that sends nothing this long is closed (zero: never)
 * @param writeTimeout        a write blocked this long closes the session (zero: never)
 * @param readBufferSize      per-session read buffer: small, since it is held by every idle connection
 * @param pushQueueCapacity   pushes queued for a client that is not reading before it is cut
 * @param rejectFrame         encoded frame sent to a connection over capacity, or null
 * @param busyFrame           encoded frame sent to a connection over its address's cap, or null
 * @param oversizeFrame       encoded frame sent before closing on an oversize frame, or null
 * @param name                used in thread names and log lines
 */
public record ServerOptions(
        InetSocketAddress bind,
        int backlog,
        int maxConnections,
        int maxConnectionsPerIp,
        int maxFrameBody,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration writeTimeout,
        int readBufferSize,
        int pushQueueCapacity,
        byte[] rejectFrame,
        byte[] busyFrame,
        byte[] oversizeFrame,
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
        if (backlog < 1 || maxConnections < 1 || readBufferSize < Frames.HEADER_BYTES || pushQueueCapacity < 1) {
            throw new IllegalArgumentException("backlog, maxConnections, readBufferSize and pushQueueCapacity must be positive");
        }
        if (maxConnectionsPerIp < 0) {
            throw new IllegalArgumentException("maxConnectionsPerIp must not be negative");
        }
        if (maxFrameBody < 0 || maxFrameBody > Frames.MAX_BODY) {
            throw new IllegalArgumentException("maxFrameBody must be within 0.." + Frames.MAX_BODY);
        }
        if (handshakeTimeout.isNegative() || idleTimeout.isNegative() || writeTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    /** Defaults for a server on {@code bind}: 10 s handshake and write timeouts, no idle timeout, no per-address cap. */
    public static ServerOptions defaults(InetSocketAddress bind, String name) {
        return new ServerOptions(bind, DEFAULT_BACKLOG, DEFAULT_MAX_CONNECTIONS, 0, Frames.MAX_BODY,
                DEFAULT_HANDSHAKE_TIMEOUT, Duration.ZERO, Duration.ofSeconds(10), DEFAULT_READ_BUFFER, DEFAULT_PUSH_QUEUE,
                null, null, null, name);
    }

    public ServerOptions withBind(InetSocketAddress value) {
        return new ServerOptions(value, backlog, maxConnections, maxConnectionsPerIp, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, rejectFrame, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withBacklog(int value) {
        return new ServerOptions(bind, value, maxConnections, maxConnectionsPerIp, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, rejectFrame, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withMaxConnections(int value) {
        return new ServerOptions(bind, backlog, value, maxConnectionsPerIp, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, rejectFrame, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withMaxConnectionsPerIp(int value) {
        return new ServerOptions(bind, backlog, maxConnections, value, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, rejectFrame, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withMaxFrameBody(int value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, value, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, rejectFrame, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withHandshakeTimeout(Duration value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, maxFrameBody, value, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, rejectFrame, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withIdleTimeout(Duration value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, maxFrameBody, handshakeTimeout, value, writeTimeout, readBufferSize, pushQueueCapacity, rejectFrame, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withWriteTimeout(Duration value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, maxFrameBody, handshakeTimeout, idleTimeout, value, readBufferSize, pushQueueCapacity, rejectFrame, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withReadBufferSize(int value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, value, pushQueueCapacity, rejectFrame, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withPushQueueCapacity(int value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, value, rejectFrame, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withRejectFrame(byte[] value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, value, busyFrame, oversizeFrame, name);
    }

    public ServerOptions withBusyFrame(byte[] value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, rejectFrame, value, oversizeFrame, name);
    }

    public ServerOptions withOversizeFrame(byte[] value) {
        return new ServerOptions(bind, backlog, maxConnections, maxConnectionsPerIp, maxFrameBody, handshakeTimeout, idleTimeout, writeTimeout, readBufferSize, pushQueueCapacity, rejectFrame, busyFrame, value, name);
    }

}
