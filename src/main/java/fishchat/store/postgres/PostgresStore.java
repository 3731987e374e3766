package fishchat.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import fishchat.metrics.Metrics;
import fishchat.store.AppendResult;
import fishchat.store.DeliveryListener;
import fishchat.store.jdbc.GroupCommitWriter;
import fishchat.store.jdbc.ClosingStatements;
import fishchat.store.jdbc.InboxQueries;
import fishchat.store.jdbc.Memberships;
import fishchat.store.jdbc.Statements;
import fishchat.store.jdbc.RecordedTargets;
import fishchat.store.jdbc.Revocations;
import fishchat.store.EventOutbox;
import fishchat.store.LoginState;
import fishchat.store.PresenceStore;
import fishchat.store.JoinResult;
import fishchat.store.MessageStore;
import fishchat.store.NewMessage;
import fishchat.store.jdbc.SqlWork;
import fishchat.store.StoreUnavailableException;
import fishchat.store.StoredMessage;
import fishchat.store.Subscription;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The cluster store: one PostgreSQL database shared by every access node.
 *
 * <p>Appends go through a {@link GroupCommitWriter} (many sends, one commit) and each commit
 * NOTIFYs the (uid, seq) pairs it created; an {@link InboxListener} relays the other nodes'
 * pairs to {@link #subscribe subscribers}. Reads, membership changes and purges run on the
 * caller's thread with a pooled connection: the PostgreSQL driver does plain socket I/O
 * under ReentrantLocks, so a virtual thread waiting on it frees its carrier.
 */
public final class PostgresStore implements MessageStore {
    private static final System.Logger LOG = System.getLogger(PostgresStore.class.getName());
    private static final int POOL_SIZE = 10;

    private final PostgresSettings settings;
    private final Duration timeout;
    private final HikariDataSource pool;
    private final GroupCommitWriter<PgBatch> writer;
    private final DeliveryFeed feed = new DeliveryFeed();
    private final InboxListener listener;
    private final PgConnections connections;
    private final String origin;
    private final PresenceStore presence;
    private final EventOutbox outbox;

    private PostgresStore(PostgresSettings settings, Duration timeout, HikariDataSource pool) {
        this.settings = settings;
        this.timeout = timeout;
        this.pool = pool;
        this.connections = new PgConnections(pool, timeout);
        this.origin = UUID.randomUUID().toString().substring(0, 8);
        RecordedTargets webhooks = new RecordedTargets();
        this.presence = new PgPresence(connections, origin, webhooks);
        this.outbox = new PgOutbox(connections, webhooks);
        this.writer = new GroupCommitWriter<>(new PgTransactions(pool, origin, webhooks), "postgres-writer");
        // Back from a break, the database answers again: a write failure from the outage no longer describes it.
        this.listener = new InboxListener(settings, origin, feed, writer::forgetFailure).start();
    }

    /**
     * Connects, migrates the schema to this version (Flyway; several nodes starting at once
     * migrate once) and starts the writer and the LISTEN connection.
     *
     * @param timeout how long a caller waits for an answer before {@link StoreUnavailableException}
     */
    public static PostgresStore open(PostgresSettings settings, Duration timeout) {
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(poolConfig(settings, timeout));
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot connect to the store at " + settings + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/postgresql")
                    .load()
                    .migrate();
            PostgresStore store = new PostgresStore(settings, timeout, pool);
            LOG.log(System.Logger.Level.INFO, "message store: PostgreSQL at {0}", settings);
            return store;
        } catch (RuntimeException e) { // FlywayException among them
            pool.close();
            throw new StoreUnavailableException("cannot prepare the store at " + settings + ": " + rootMessage(e), e);
        }
    }

    private static HikariConfig poolConfig(PostgresSettings settings, Duration timeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("fishchat-store");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setDataSourceProperties(settings.driverProperties());
        config.setMaximumPoolSize(POOL_SIZE);
        // A caller waits at most half its deadline for a connection: a database that is
        // down is reported while the caller can still be answered.
        config.setConnectionTimeout(Math.max(250, timeout.toMillis() / 2));
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(timeout.toMillis()); // down at start: fail start, clearly
        return config;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }

    @Override
    public AppendResult append(NewMessage message) {
        // The writer completes the future only after the commit, so the outcome is there by then.
        return writer.submit(batch -> batch.add(message), timeout).result();
    }

    @Override
    public long lastSeq(long uid) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement(InboxQueries.LAST_SEQ)) {
                return InboxQueries.lastSeq(ps, uid);
            }
        });
    }

    @Override
    public LoginState loginState(long uid) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement(InboxQueries.LOGIN_STATE)) {
                return InboxQueries.loginState(ps, uid);
            }
        });
    }

    /** Recorded and NOTIFYed in one transaction: every node hears of a revocation that holds. */
    @Override
    public long revoke(long uid, long atMillis) {
        return connections.transaction(c -> {
            long inForce;
            try (ClosingStatements statements = new ClosingStatements(c)) {
                inForce = Revocations.revoke(statements, uid, atMillis);
            }
            PgBatch.notify(c, InboxNotifications.REVOKE_CHANNEL, List.of(origin + ";" + uid + ":" + inForce));
            return inForce;
        });
    }

    @Override
    public Map<Long, Long> revocations(Collection<Long> uids) {
        return withStatements(s -> Revocations.of(s, uids));
    }

    @Override
    public List<Long> members(long groupId, long afterUid, int limit) {
        return withStatements(s -> Memberships.members(s, groupId, afterUid, limit));
    }

    @Override
    public PresenceStore presence() {
        return presence;
    }

    @Override
    public EventOutbox outbox() {
        return outbox;
    }

    @Override
    public Map<Long, Long> lastSeqs(Collection<Long> uids) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT uid, last_seq FROM user_seq WHERE uid = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("bigint", uids.toArray()));
                Map<Long, Long> newest = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        newest.put(rs.getLong(1), rs.getLong(2));
                    }
                }
                return newest;
            }
        });
    }

    @Override
    public List<StoredMessage> readInbox(long uid, long afterSeq, int limit) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement(InboxQueries.READ_INBOX)) {
                return InboxQueries.readInbox(ps, uid, afterSeq, limit);
            }
        });
    }

    @Override
    public JoinResult join(long groupId, long uid, int maxGroupsPerUser) {
        return withStatements(s -> Memberships.join(s, groupId, uid, maxGroupsPerUser));
    }

    @Override
    public boolean leave(long groupId, long uid) {
        return withStatements(s -> Memberships.leave(s, groupId, uid));
    }

    @Override
    public List<Long> members(long groupId) {
        return withStatements(s -> Memberships.members(s, groupId));
    }

    /**
     * Every node purges; SKIP LOCKED lets them share the work instead of queueing behind each
     * other, and the bounded chunk keeps each transaction short next to the appends.
     */
    @Override
    public long purgeOlderThan(long epochMillis, int limit) {
        return query(c -> {
            long deleted;
            try (PreparedStatement inbox = c.prepareStatement("""
                    DELETE FROM inbox WHERE ctid = ANY (ARRAY(
                        SELECT ctid FROM inbox WHERE sent_at < ? LIMIT ? FOR UPDATE SKIP LOCKED))""")) {
                inbox.setLong(1, epochMillis);
                inbox.setInt(2, limit);
                deleted = inbox.executeUpdate();
            }
            try (PreparedStatement dedup = c.prepareStatement("""
                    DELETE FROM dedup WHERE ctid = ANY (ARRAY(
                        SELECT ctid FROM dedup WHERE created_at < ? LIMIT ? FOR UPDATE SKIP LOCKED))""")) {
                dedup.setLong(1, epochMillis);
                dedup.setInt(2, limit);
                dedup.executeUpdate();
            }
            try (PreparedStatement events = c.prepareStatement("""
                    DELETE FROM webhook_outbox WHERE ctid = ANY (ARRAY(
                        SELECT ctid FROM webhook_outbox WHERE at < ? LIMIT ? FOR UPDATE SKIP LOCKED))""")) {
                events.setLong(1, epochMillis);
                events.setInt(2, limit);
                events.executeUpdate();
            }
            return deleted;
        });
    }

    @Override
    public Subscription subscribe(DeliveryListener listener) {
        return feed.subscribe(listener);
    }

    @Override
    public Optional<String> problem() {
        String feedProblem = listener.problem();
        if (feedProblem != null) {
            return Optional.of(feedProblem);
        }
        String failure = writer.lastFailure();
        return failure == null ? Optional.empty() : Optional.of("store cannot write: " + failure);
    }

    @Override
    public void instrument(Metrics metrics) {
        writer.instrument(metrics);
        metrics.gauge("fishchat_store_pool_active", "Store connections in use", () -> pool.getHikariPoolMXBean().getActiveConnections());
        metrics.gauge("fishchat_store_pool_waiting", "Threads waiting for a store connection",
                () -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection());
        metrics.gauge("fishchat_store_feed_up", "1 while the LISTEN connection for other nodes' messages is up",
                () -> listener.problem() == null ? 1 : 0);
        metrics.gauge("fishchat_store_feed_reconnects", "Times the LISTEN connection came back after a break",
                listener::reconnects);
    }

    private <T> T withStatements(SqlWork<Statements, T> work) {
        return connections.withStatements(work);
    }

    private <T> T query(SqlWork<Connection, T> work) {
        return connections.query(work);
    }

    @Override
    public void close() {
        listener.close();
        if (writer.stop()) {
            pool.close();
        }
        LOG.log(System.Logger.Level.INFO, "message store closed: {0}", settings);
    }
}
