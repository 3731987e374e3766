package fishchat.libnet;

import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which deadline ends a connection, decided on an injected clock (nanoseconds), without sockets that talk. */
class ConnectionSweeperTest {
    private static final long MS = 1_000_000L;

    private static ConnectionSweeper sweeper() {
        return new ConnectionSweeper(List.of(), new ConnectionLimits(16, 10, 0, 0, 0, Duration.ofMillis(100),
                Duration.ofMillis(1000), Duration.ofMillis(500), "sweep-test"));
    }

    private static Connection connection(long acceptedNanos) {
        Socket unconnected = new Socket();
        return new Connection(1, new Server(new ConnectionLimits(16, 10, 0, 0, 0, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, "unused")), connection -> { }, unconnected, unconnected, acceptedNanos);
    }

    @Test
    void anUngreetedConnectionHasTheHandshakeTimeoutFromAccept() {
        ConnectionSweeper sweeper = sweeper();
        long accepted = 1_000 * MS;
        Connection connection = connection(accepted);
        assertNull(sweeper.overdue(connection, accepted + 99 * MS));
        assertTrue(sweeper.overdue(connection, accepted + 101 * MS).startsWith("no complete frame or request within 100 ms"));
    }

    @Test
    void aGreetedConnectionHasTheIdleTimeoutAndABusyOneNeither() throws Exception {
        ConnectionSweeper sweeper = sweeper();
        Connection connection = connection(System.nanoTime());
        // The clock read on both sides of the call, so that a pause of this thread cannot move the bounds.
        long before = System.nanoTime();
        connection.active();
        long after = System.nanoTime();
        assertNull(sweeper.overdue(connection, before + 900 * MS), "greeted: the handshake timeout no longer applies");
        assertTrue(sweeper.overdue(connection, after + 1100 * MS).startsWith("idle for"));
        assertTrue(connection.claimForRequest());
        assertNull(sweeper.overdue(connection, after + 5000 * MS), "a handler at work is not expected to speak");
        connection.requestDone();
    }

    @Test
    void aBlockedWriteHasTheWriteTimeoutEvenWhileBusy() {
        ConnectionSweeper sweeper = sweeper();
        Connection connection = connection(System.nanoTime());
        connection.active();
        connection.claimForRequest();
        long before = System.nanoTime();
        connection.writeStarted();
        long after = System.nanoTime();
        assertNull(sweeper.overdue(connection, before + 400 * MS));
        assertTrue(sweeper.overdue(connection, after + 600 * MS).startsWith("write blocked"));
        connection.writeEnded();
        assertNull(sweeper.overdue(connection, after + 600 * MS));
    }
}
