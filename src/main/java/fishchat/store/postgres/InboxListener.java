package fishchat.store.postgres;

import fishchat.common.Fatal;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The node's one {@code LISTEN} connection (on every channel of {@link InboxNotifications}):
 * relays other nodes' commits to the feed. When
 * the connection breaks it reconnects with backoff and then asks the feed's listeners to
 * resynchronize, since whatever was notified meanwhile is lost.
 *
 * <p>A platform thread: it blocks in the driver for its whole life, and there is one per node.
 */
final class InboxListener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InboxListener.class.getName());
    /** Quiet this long, the connection is probed: a dead peer sends no error, only silence. */
    private static final int PROBE_AFTER_MILLIS = 2_000;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** How the connection shows in pg_stat_activity, for operators (and tests) to find it. */
    static final String APPLICATION_NAME = "fishchat-listen";

    private final PostgresSettings settings;
    private final String origin;
    private final DeliveryFeed feed;
    private final Runnable onReconnected;
    private final Thread thread;
    private volatile boolean running = true;
    /** Why the feed is down now, or null while it listens. */
    private volatile String problem = "not connected yet";
    private volatile long reconnects;

    /** @param onReconnected run whenever the connection is up after a failed attempt (before the resync) */
    InboxListener(PostgresSettings settings, String origin, DeliveryFeed feed, Runnable onReconnected) {
        this.settings = settings;
        this.origin = origin;
        this.feed = feed;
        this.onReconnected = onReconnected;
        this.thread = Thread.ofPlatform().name("postgres-listener").daemon(true).unstarted(this::loop);
    }

    InboxListener start() {
        thread.start();
        return this;
    }

    String problem() {
        return problem;
    }

    long reconnects() {
        return reconnects;
    }

    private void loop() {
        Duration backoff = FIRST_BACKOFF;
        boolean connectedBefore = false;
        boolean outageLogged = false;
        while (running) {
            try (Connection c = settings.connect(APPLICATION_NAME)) {
                try (Statement s = c.createStatement()) {
                    for (String channel : InboxNotifications.CHANNELS) {
                        s.execute("LISTEN " + channel);
                    }
                }
                if (connectedBefore) {
                    reconnects++;
                    LOG.log(System.Logger.Level.INFO, "store feed: LISTEN connection restored");
                }
                // Up after any failed attempt (the very first connection included, which
                // may come after an outage): what was announced meanwhile is lost.
                if (problem != null) {
                    onReconnected.run();
                    feed.resynchronize();
                }
                problem = null;
                connectedBefore = true;
                outageLogged = false;
                backoff = FIRST_BACKOFF;
                listen(c.unwrap(PGConnection.class), c);
            } catch (SQLException | RuntimeException | Error e) {
                if (!running) {
                    break;
                }
                if (e instanceof Error error) {
                    Fatal.unexpected("store feed", error);
                }
                if (!outageLogged) { // one line per outage, not per attempt
                    LOG.log(System.Logger.Level.WARNING, "store feed: {0} ({1}); reconnecting",
                            connectedBefore ? "LISTEN connection lost" : "cannot LISTEN", e.getMessage());
                    outageLogged = true;
                }
                problem = "store feed disconnected: " + e.getMessage();
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void listen(PGConnection pg, Connection c) throws SQLException {
        while (running) {
            PGNotification[] notifications = pg.getNotifications(PROBE_AFTER_MILLIS);
            if (notifications == null || notifications.length == 0) {
                if (!c.isValid(PostgresSettings.CONNECT_TIMEOUT_SECONDS)) {
                    throw new SQLException("LISTEN connection does not answer");
                }
                continue;
            }
            for (PGNotification n : notifications) {
                relay(n.getName(), n.getParameter());
            }
        }
    }

    private void relay(String channel, String payload) {
        try {
            if (origin.equals(InboxNotifications.origin(payload))) {
                return;
            }
            switch (channel) {
                case InboxNotifications.CHANNEL -> feed.publish(InboxNotifications.deliveries(payload, false));
                case InboxNotifications.OWN_CHANNEL -> feed.publish(InboxNotifications.deliveries(payload, true));
                case InboxNotifications.REVOKE_CHANNEL -> {
                    for (long[] revocation : InboxNotifications.revocations(payload)) {
                        feed.revoked(revocation[0], revocation[1]);
                    }
                }
                case InboxNotifications.PRESENCE_CHANNEL -> feed.presenceChanged(InboxNotifications.presence(payload));
                default -> LOG.log(System.Logger.Level.WARNING, "store feed: ignored a notification on {0}", channel);
            }
        } catch (IllegalArgumentException e) { // someone else's NOTIFY on our channel: not ours to act on
            LOG.log(System.Logger.Level.WARNING, "store feed: ignored a malformed notification: {0}", e.getMessage());
        }
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        // The thread notices within one probe interval; closing its connection from here
        // could wait on the driver's lock, which getNotifications holds while it waits.
        running = false;
        thread.interrupt(); // wakes a backoff sleep; a plain socket read ignores it
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
