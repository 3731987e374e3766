package fishchat.libnet;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FrameServer} listens and treats its connections.
 *
 * @param bind              address to listen on (port 0 picks a free port)
 * @param backlog           pending-connection queue; the JDK default of 50 drops SYNs in a storm
 * @param maxConnections    sessions at once; a connection over it gets {@code rejectFrame} and is closed
 * @param maxFrameBody      largest body accepted (≤ 65 535); a larger header gets {@code oversizeFrame} and a close
 * @param idleTimeout       a session that sends nothing this long is closed (zero: never)
 * @param writeTimeout      a write blocked this long closes the session (zero: never)
 * @param readBufferSize    per-session read buffer: small, since it is held by every idle connection
 * @param pushQueueCapacity pushes queued for a client that is not reading before it is cut
 * @param rejectFrame       encoded frame sent to a connection over capacity, or null
 * @param oversizeFrame     encoded frame sent before closing on an oversize frame, or null
 * @param name              used in thread names and log lines
 */
public record ServerOptions(
        InetSocketAddress bind,
        int backlog,
        int maxConnections,
        int maxFrameBody,
        Duration idleTimeout,
        Duration writeTimeout,
        int readBufferSize,
        int pushQueueCapacity,
        byte[] rejectFrame,
        byte[] oversizeFrame,
        String name) {

    public static final int DEFAULT_BACKLOG = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
    public static final int DEFAULT_READ_BUFFER = 128;
    public static final int DEFAULT_PUSH_QUEUE = 64;

    public ServerOptions {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        if (backlog < 1 || maxConnections < 1 || readBufferSize < Frames.HEADER_BYTES || pushQueueCapacity < 1) {
            throw new IllegalArgumentException("backlog, maxConnections, readBufferSize and pushQueueCapacity must be positive");
        }
        if (maxFrameBody < 0 || maxFrameBody > Frames.MAX_BODY) {
            throw new IllegalArgumentException("maxFrameBody must be within 0.." + Frames.MAX_BODY);
        }
        if (idleTimeout.isNegative() || writeTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
        if (idleTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("idleTimeout too long");
        }
    }

    /** Defaults for a server on {@code bind}: no idle timeout, 10 s write timeout. */
    public static ServerOptions defaults(InetSocketAddress bind, String name) {
        return new ServerOptions(bind, DEFAULT_BACKLOG, DEFAULT_MAX_CONNECTIONS, Frames.MAX_BODY,
                Duration.ZERO, Duration.ofSeconds(10), DEFAULT_READ_BUFFER, DEFAULT_PUSH_QUEUE,
                null, null, name);
    }

    public ServerOptions withBind(InetSocketAddress value) {
        return new ServerOptions(value, backlog, maxConnections, maxFrameBody, idleTimeout, writeTimeout,
                readBufferSize, pushQueueCapacity, rejectFrame, oversizeFrame, name);
    }

    public ServerOptions withBacklog(int value) {
        return new ServerOptions(bind, value, maxConnections, maxFrameBody, idleTimeout, writeTimeout,
                readBufferSize, pushQueueCapacity, rejectFrame, oversizeFrame, name);
    }

    public ServerOptions withMaxConnections(int value) {
        return new ServerOptions(bind, backlog, value, maxFrameBody, idleTimeout, writeTimeout,
                readBufferSize, pushQueueCapacity, rejectFrame, oversizeFrame, name);
    }

    public ServerOptions withMaxFrameBody(int value) {
        return new ServerOptions(bind, backlog, maxConnections, value, idleTimeout, writeTimeout,
                readBufferSize, pushQueueCapacity, rejectFrame, oversizeFrame, name);
    }

    public ServerOptions withIdleTimeout(Duration value) {
        return new ServerOptions(bind, backlog, maxConnections, maxFrameBody, value, writeTimeout,
                readBufferSize, pushQueueCapacity, rejectFrame, oversizeFrame, name);
    }

    public ServerOptions withWriteTimeout(Duration value) {
        return new ServerOptions(bind, backlog, maxConnections, maxFrameBody, idleTimeout, value,
                readBufferSize, pushQueueCapacity, rejectFrame, oversizeFrame, name);
    }

    public ServerOptions withReadBufferSize(int value) {
        return new ServerOptions(bind, backlog, maxConnections, maxFrameBody, idleTimeout, writeTimeout,
                value, pushQueueCapacity, rejectFrame, oversizeFrame, name);
    }

    public ServerOptions withPushQueueCapacity(int value) {
        return new ServerOptions(bind, backlog, maxConnections, maxFrameBody, idleTimeout, writeTimeout,
                readBufferSize, value, rejectFrame, oversizeFrame, name);
    }

    public ServerOptions withRejectFrame(byte[] value) {
        return new ServerOptions(bind, backlog, maxConnections, maxFrameBody, idleTimeout, writeTimeout,
                readBufferSize, pushQueueCapacity, value, oversizeFrame, name);
    }

    public ServerOptions withOversizeFrame(byte[] value) {
        return new ServerOptions(bind, backlog, maxConnections, maxFrameBody, idleTimeout, writeTimeout,
                readBufferSize, pushQueueCapacity, rejectFrame, value, name);
    }
}
