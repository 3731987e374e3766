package fishchat.store.sqlite;

import fishchat.metrics.Metrics;
import fishchat.store.jdbc.GroupCommitWriter;
import fishchat.store.jdbc.SqlWork;
import fishchat.store.AppendResult;
import fishchat.store.jdbc.Deadlines;
import fishchat.store.Delivery;
import fishchat.store.jdbc.InboxQueries;
import fishchat.store.jdbc.OutboxRows;
import fishchat.store.jdbc.PresenceRows;
import fishchat.store.jdbc.RecordedTargets;
import fishchat.store.jdbc.Revocations;
import fishchat.store.EventOutbox;
import fishchat.store.LoginState;
import fishchat.store.OutboxEvent;
import fishchat.store.Presence;
import fishchat.store.PresenceStore;
import fishchat.store.jdbc.Memberships;
import fishchat.store.JoinResult;
import fishchat.store.MessageStore;
import fishchat.store.NewMessage;
import fishchat.common.PrivateFiles;
import fishchat.store.StoreUnavailableException;
import fishchat.store.StoredMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import org.sqlite.SQLiteConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.lang.System.Logger.Level.INFO;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}, so a
 * commit is on disk when it returns.
 *
 * <p>All writes go through one {@link GroupCommitWriter} platform thread that commits many
 * callers' writes in one transaction (one fsync per batch, not per message). Reads run on a
 * small pool of platform threads, each with its own connection (WAL lets them read while
 * the writer writes). Callers, typically virtual threads, only wait on a future: the JNI
 * calls into SQLite never hold a virtual thread's carrier.
 */
public final class SqliteStore implements MessageStore {
    private static final System.Logger LOG = System.getLogger(SqliteStore.class.getName());
    private static final int SCHEMA_VERSION = 2;
    private static final int READER_THREADS = 2;

    private final Path file;
    private final DataDirLock dataDirLock;
    private final Duration timeout;
    private final GroupCommitWriter<Db> writer;
    private final Db writeConnection;
    private final ExecutorService readers;
    private final Deadlines readDeadlines = new Deadlines("sqlite-read-deadlines");
    private final List<Db> readerConnections = new ArrayList<>();
    private final ThreadLocal<Db> readerConnection;
    private final RecordedTargets targets = new RecordedTargets();
    private final PresenceStore presence = new SqlitePresence();
    private final EventOutbox outbox = new SqliteOutbox();

    private SqliteStore(Path file, DataDirLock dataDirLock, Duration timeout) throws SQLException {
        this.file = file;
        this.dataDirLock = dataDirLock;
        this.timeout = timeout;
        Connection connection = open(file);
        migrate(connection);
        this.writeConnection = new Db(connection);
        this.writer = new GroupCommitWriter<>(new SqliteTransactions(writeConnection), "sqlite-writer");
        this.readers = Executors.newFixedThreadPool(READER_THREADS,
                Thread.ofPlatform().name("sqlite-reader-", 0).daemon(true).factory());
        this.readerConnection = ThreadLocal.withInitial(this::openReader);
    }

    /**
     * Opens (creating when missing) {@code messages.db} in {@code dataDir}.
     *
     * @param timeout how long a caller waits for an answer before {@link StoreUnavailableException}
     */
    public static SqliteStore open(Path dataDir, Duration timeout) {
        try {
            PrivateFiles.directory(dataDir);
            DataDirLock lock = DataDirLock.take(dataDir);
            Path file = dataDir.resolve("messages.db");
            // SQLite gives its -wal and -shm files the main file's permissions: 0600 for all three.
            PrivateFiles.file(file);
            PrivateFiles.narrowIfPresent(dataDir.resolve("messages.db-wal"));
            PrivateFiles.narrowIfPresent(dataDir.resolve("messages.db-shm"));
            SqliteStore store;
            try {
                store = new SqliteStore(file, lock, timeout);
            } catch (SQLException | RuntimeException e) {
                lock.close();
                throw e;
            }
            LOG.log(INFO, "message store: SQLite at {0}", store.file);
            return store;
        } catch (SQLException | java.io.IOException e) {
            throw new StoreUnavailableException("cannot open the store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL); // a commit is durable when it returns
        config.setBusyTimeout(5000);
        return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    }

    private Db openReader() {
        try {
            Db c = new Db(open(file));
            synchronized (readerConnections) {
                readerConnections.add(c);
            }
            return c;
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open a reader on " + file, e);
        }
    }

    private static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            int version;
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version > SCHEMA_VERSION) {
                throw new SQLException("store schema " + version + " is newer than this fishchat (" + SCHEMA_VERSION + ")");
            }
            if (version < 1) {
                c.setAutoCommit(false);
                s.execute("""
                        CREATE TABLE IF NOT EXISTS inbox (
                            uid INTEGER NOT NULL, seq INTEGER NOT NULL,
                            source_uid INTEGER NOT NULL, target_uid INTEGER NOT NULL, group_id INTEGER NOT NULL,
                            msg_id TEXT NOT NULL, body TEXT NOT NULL, sent_at INTEGER NOT NULL,
                            PRIMARY KEY (uid, seq)) WITHOUT ROWID""");
                s.execute("CREATE INDEX IF NOT EXISTS inbox_sent_at ON inbox (sent_at)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS user_seq (
                            uid INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL)""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS dedup (
                            sender INTEGER NOT NULL, msg_id TEXT NOT NULL, created_at INTEGER NOT NULL,
                            PRIMARY KEY (sender, msg_id)) WITHOUT ROWID""");
                s.execute("CREATE INDEX IF NOT EXISTS dedup_created_at ON dedup (created_at)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS group_members (
                            group_id INTEGER NOT NULL, uid INTEGER NOT NULL,
                            PRIMARY KEY (group_id, uid)) WITHOUT ROWID""");
                // A join counts the user's groups against its cap.
                s.execute("CREATE INDEX IF NOT EXISTS group_members_uid ON group_members (uid)");
                s.execute("PRAGMA user_version=1");
                c.commit();
                c.setAutoCommit(true);
            }
            if (version < 2) {
                c.setAutoCommit(false);
                // Revocations, presence and the webhook outbox (PostgreSQL: V3__server_api.sql).
                s.execute("ALTER TABLE user_seq ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0");
                s.execute("""
                        CREATE TABLE node_presence (
                            node_id TEXT NOT NULL, uid INTEGER NOT NULL, devices INTEGER NOT NULL, since INTEGER NOT NULL,
                            PRIMARY KEY (node_id, uid)) WITHOUT ROWID""");
                s.execute("CREATE INDEX node_presence_uid ON node_presence (uid)");
                s.execute("""
                        CREATE TABLE user_presence (
                            uid INTEGER PRIMARY KEY, devices INTEGER NOT NULL, since INTEGER NOT NULL)""");
                s.execute("CREATE TABLE node_leases (node_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)");
                // AUTOINCREMENT: an id is never handed out twice, even after the newest row was
                // delivered and deleted; receivers may deduplicate by it.
                s.execute("""
                        CREATE TABLE webhook_outbox (
                            id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, type TEXT NOT NULL,
                            uid INTEGER NOT NULL, seq INTEGER NOT NULL, source_uid INTEGER NOT NULL,
                            group_id INTEGER NOT NULL, devices INTEGER NOT NULL, at INTEGER NOT NULL)""");
                s.execute("CREATE INDEX webhook_outbox_target ON webhook_outbox (target, id)");
                s.execute("CREATE INDEX webhook_outbox_at ON webhook_outbox (at)");
                s.execute("""
                        CREATE TABLE webhook_leases (
                            target TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL,
                            seen_at INTEGER NOT NULL)""");
                s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }

    @Override
    public AppendResult append(NewMessage message) {
        return writer.submit(db -> Appender.append(db, message, targets.current(db, message.sentAtMillis())), timeout);
    }

    @Override
    public LoginState loginState(long uid) {
        return read(db -> InboxQueries.loginState(db.prepare(InboxQueries.LOGIN_STATE), uid));
    }

    @Override
    public long revoke(long uid, long atMillis) {
        return writer.submit(db -> Revocations.revoke(db, uid, atMillis), timeout);
    }

    @Override
    public Map<Long, Long> revocations(Collection<Long> uids) {
        return read(db -> Revocations.of(db, uids));
    }

    @Override
    public List<Long> members(long groupId, long afterUid, int limit) {
        return read(db -> Memberships.members(db, groupId, afterUid, limit));
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
    public JoinResult join(long groupId, long uid, int maxGroupsPerUser) {
        return writer.submit(db -> Memberships.join(db, groupId, uid, maxGroupsPerUser), timeout);
    }

    @Override
    public boolean leave(long groupId, long uid) {
        return writer.submit(db -> Memberships.leave(db, groupId, uid), timeout);
    }

    @Override
    public long purgeOlderThan(long epochMillis, int limit) {
        return writer.submit(db -> {
            PreparedStatement inbox = db.prepare("""
                    DELETE FROM inbox WHERE (uid, seq) IN
                        (SELECT uid, seq FROM inbox WHERE sent_at < ? LIMIT ?)""");
            inbox.setLong(1, epochMillis);
            inbox.setInt(2, limit);
            long deleted = inbox.executeUpdate();
            PreparedStatement dedup = db.prepare("""
                    DELETE FROM dedup WHERE (sender, msg_id) IN
                        (SELECT sender, msg_id FROM dedup WHERE created_at < ? LIMIT ?)""");
            dedup.setLong(1, epochMillis);
            dedup.setInt(2, limit);
            dedup.executeUpdate();
            PreparedStatement events = db.prepare("""
                    DELETE FROM webhook_outbox WHERE id IN
                        (SELECT id FROM webhook_outbox WHERE at < ? LIMIT ?)""");
            events.setLong(1, epochMillis);
            events.setInt(2, limit);
            events.executeUpdate();
            return deleted;
        }, timeout);
    }

    @Override
    public long lastSeq(long uid) {
        return read(db -> InboxQueries.lastSeq(db.prepare(InboxQueries.LAST_SEQ), uid));
    }

    @Override
    public List<StoredMessage> readInbox(long uid, long afterSeq, int limit) {
        return read(db -> InboxQueries.readInbox(db.prepare(InboxQueries.READ_INBOX), uid, afterSeq, limit));
    }

    @Override
    public List<Long> members(long groupId) {
        return read(db -> Memberships.members(db, groupId));
    }

    @Override
    public void instrument(Metrics metrics) {
        writer.instrument(metrics);
    }

    @Override
    public Optional<String> problem() {
        String failure = writer.lastFailure();
        return failure == null ? Optional.empty() : Optional.of("store cannot write: " + failure);
    }

    private <T> T read(SqlWork<Db, T> work) {
        try {
            CompletableFuture<T> result = new CompletableFuture<>();
            readers.execute(() -> {
                try {
                    result.complete(work.apply(readerConnection.get()));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
            readDeadlines.watch(result, Deadlines.after(timeout), now -> {
                result.completeExceptionally(new TimeoutException());
                return 0;
            });
            return result.get(); // untimed: see Deadlines
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw new StoreUnavailableException("store read timed out after " + timeout.toMillis() + " ms", e.getCause());
            }
            throw new StoreUnavailableException("store read failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while reading the store", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new StoreUnavailableException("store closed", e);
        }
    }

    @Override
    public void close() {
        if (writer.stop()) {
            try {
                writeConnection.close();
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the store: {0}", e.getMessage());
            }
        }
        readers.shutdown();
        readDeadlines.close();
        try {
            readers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (readerConnections) {
            for (Db c : readerConnections) {
                try {
                    c.close();
                } catch (SQLException e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing a reader: {0}", e.getMessage());
                }
            }
        }
        try {
            dataDirLock.close();
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "releasing the data dir lock: {0}", e.getMessage());
        }
        LOG.log(INFO, "message store closed: {0}", file);
    }

    /** Presence on the one writer thread; one node writes this file (no inbox locks needed). */
    private final class SqlitePresence implements PresenceStore {
        @Override
        public List<Presence> record(String node, Map<Long, Integer> devices, long nowMillis) {
            List<Presence> changes = new ArrayList<>();
            for (List<Map.Entry<Long, Integer>> chunk : chunks(new ArrayList<>(new TreeMap<>(devices).entrySet()))) {
                Map<Long, Integer> part = new TreeMap<>();
                chunk.forEach(e -> part.put(e.getKey(), e.getValue()));
                changes.addAll(writer.submit(db -> PresenceRows.record(db, node, part, nowMillis,
                        targets.current(db, nowMillis), false), timeout));
            }
            return changes;
        }

        @Override
        public List<Presence> read(Collection<Long> uids) {
            return SqliteStore.this.read(db -> PresenceRows.read(db, uids));
        }

        @Override
        public boolean renewLease(String node, long nowMillis, Duration lease) {
            return writer.submit(db -> PresenceRows.renewLease(db, node, nowMillis, lease), timeout);
        }

        @Override
        public List<Presence> sweepExpired(long nowMillis) {
            List<Presence> changes = new ArrayList<>();
            for (String node : SqliteStore.this.read(db -> PresenceRows.gone(db, nowMillis))) {
                if (takeOffline(node, nowMillis, changes)) {
                    writer.submit(db -> {
                        PresenceRows.dropExpiredLease(db, node, nowMillis);
                        return null;
                    }, timeout);
                }
            }
            return changes;
        }

        @Override
        public List<Presence> leave(String node, long nowMillis) {
            List<Presence> changes = new ArrayList<>();
            writer.submit(db -> {
                PresenceRows.dropLease(db, node);
                return null;
            }, timeout);
            takeOffline(node, nowMillis, changes);
            return changes;
        }

        /** Sweeps a node's users chunk by chunk; false when the node turned out to be back. */
        private boolean takeOffline(String node, long nowMillis, List<Presence> changes) {
            while (true) {
                List<Long> uids = SqliteStore.this.read(db -> PresenceRows.usersOf(db, node, 0, CHUNK));
                if (uids.isEmpty()) {
                    return true;
                }
                PresenceRows.Sweep sweep = writer.submit(db -> PresenceRows.sweep(db, node, uids, nowMillis,
                        targets.current(db, nowMillis), false), timeout);
                changes.addAll(sweep.changes());
                if (sweep.nodeIsBack()) {
                    return false;
                }
            }
        }
    }

    /** Users per presence transaction: a node's whole population would hold the writer too long. */
    private static final int CHUNK = 500;

    private static <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            chunks.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
        }
        return chunks;
    }

    /** The webhook outbox: writes on the writer thread, reads on the readers. */
    private final class SqliteOutbox implements EventOutbox {
        @Override
        public boolean claim(String target, String holder, long nowMillis, Duration lease) {
            boolean held = writer.submit(db -> OutboxRows.claim(db, target, holder, nowMillis, lease), timeout);
            targets.add(target);
            return held;
        }

        @Override
        public List<OutboxEvent> pending(String target, int limit) {
            return SqliteStore.this.read(db -> OutboxRows.pending(db, target, limit));
        }

        @Override
        public void delivered(String target, List<Long> ids) {
            writer.submit(db -> {
                OutboxRows.delete(db, target, ids);
                return null;
            }, timeout);
        }

        @Override
        public long backlog(String target) {
            return SqliteStore.this.read(db -> OutboxRows.backlog(db, target));
        }
    }

    /** The append transaction's steps; runs on the writer thread inside a batch transaction. */
    static final class Appender {
        private Appender() {
        }

        static AppendResult append(Db db, NewMessage m, List<String> targets) throws SQLException {
            List<Long> recipients;
            if (m.isGroup()) {
                recipients = Memberships.members(db, m.groupId());
                if (m.sourceUid() != 0 && !recipients.contains(m.sourceUid())) {
                    return AppendResult.NOT_A_MEMBER;
                }
            } else {
                recipients = List.of(m.targetUid());
            }
            if (!m.msgId().isEmpty() && !claimMsgId(db, m)) {
                return AppendResult.DUPLICATE;
            }
            List<Delivery> deliveries = new ArrayList<>(recipients.size() + 1);
            for (long uid : recipients) {
                long seq = place(db, uid, uid, m); // the inbox owner as target: the p2p target, or the group member
                deliveries.add(new Delivery(uid, seq));
                if (uid != m.sourceUid()) { // the sender's own group copy is no event for a receiver
                    OutboxRows.messageStored(db, targets, uid, seq, m.sourceUid(), m.groupId(), m.sentAtMillis());
                }
            }
            if (m.hasOwnCopy()) {
                deliveries.add(new Delivery(m.sourceUid(), place(db, m.sourceUid(), m.targetUid(), m), true));
            }
            return AppendResult.stored(deliveries);
        }

        /** Stores the message in {@code owner}'s inbox under its next seq; returns that seq. */
        private static long place(Db db, long owner, long target, NewMessage m) throws SQLException {
            PreparedStatement nextSeq = db.prepare("""
                    INSERT INTO user_seq (uid, last_seq) VALUES (?, 1)
                    ON CONFLICT (uid) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq""");
            nextSeq.setLong(1, owner);
            long seq;
            try (ResultSet rs = nextSeq.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
            PreparedStatement insert = db.prepare("""
                    INSERT INTO inbox (uid, seq, source_uid, target_uid, group_id, msg_id, body, sent_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""");
            insert.setLong(1, owner);
            insert.setLong(2, seq);
            insert.setLong(3, m.sourceUid());
            insert.setLong(4, target);
            insert.setLong(5, m.groupId());
            insert.setString(6, m.msgId());
            insert.setString(7, m.body());
            insert.setLong(8, m.sentAtMillis());
            insert.executeUpdate();
            return seq;
        }

        /** True when this (sender, msgId) is new, and records it. */
        private static boolean claimMsgId(Db db, NewMessage m) throws SQLException {
            PreparedStatement ps = db.prepare(
                    "INSERT INTO dedup (sender, msg_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
            ps.setLong(1, m.sourceUid());
            ps.setString(2, m.msgId());
            ps.setLong(3, m.sentAtMillis());
            return ps.executeUpdate() == 1;
        }

    }
}
