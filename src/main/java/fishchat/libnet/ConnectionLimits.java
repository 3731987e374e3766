package fishchat.libnet;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link Server} admits and how long it lets a connection be silent, the same for every
 * port it listens on: a connection is admitted (or refused) when it is accepted, before any
 * byte is read from it, whatever it will carry.
 *
 * @param backlog                      pending-connection queue; the JDK default of 50 drops SYNs in a storm
 * @param maxConnections               connections at once; one over it is answered and closed
 * @param maxConnectionsPerIp          connections at once from one source address (0: no cap)
 * @param newConnectionsPerSecond      accepted per second by the server, bursts of one second's worth (0: no cap)
 * @param newConnectionsPerIpPerSecond accepted per second from one source address, bursts of one second's worth (0: no cap)
 * @param handshakeTimeout             a connection that has not sent one complete unit (a frame, an HTTP request)
 *                                     this long after accept is closed (zero: never); with TLS this includes the
 *                                     TLS handshake, with a WebSocket the upgrade
 * @param idleTimeout                  a greeted connection silent this long is closed (zero: never)
 * @param writeTimeout                 a write blocked this long closes the connection (zero: never)
 * @param name                         used in thread names and log lines
 */
public record ConnectionLimits(int backlog, int maxConnections, int maxConnectionsPerIp, double newConnectionsPerSecond,
                               double newConnectionsPerIpPerSecond, Duration handshakeTimeout, Duration idleTimeout,
                               Duration writeTimeout, String name) {
    public ConnectionLimits {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(name, "name");
        if (backlog < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("backlog and maxConnections must be positive");
        }
        if (maxConnectionsPerIp < 0 || newConnectionsPerSecond < 0 || newConnectionsPerIpPerSecond < 0) {
            throw new IllegalArgumentException("connection caps and rates must not be negative");
        }
        if (handshakeTimeout.isNegative() || idleTimeout.isNegative() || writeTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    /** The same limits under another name (a second server built from the same flags). */
    public ConnectionLimits named(String value) {
        return new ConnectionLimits(backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond,
                newConnectionsPerIpPerSecond, handshakeTimeout, idleTimeout, writeTimeout, value);
    }

    /** The same limits with another idle timeout. */
    public ConnectionLimits withIdleTimeout(Duration value) {
        return new ConnectionLimits(backlog, maxConnections, maxConnectionsPerIp, newConnectionsPerSecond,
                newConnectionsPerIpPerSecond, handshakeTimeout, value, writeTimeout, name);
    }
}
