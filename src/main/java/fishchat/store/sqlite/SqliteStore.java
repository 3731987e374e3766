package fishchat.store.sqlite;

import fishchat.metrics.Metrics;
import fishchat.store.jdbc.GroupCommitWriter;
import fishchat.store.jdbc.SqlWork;
import fishchat.store.AppendResult;
import fishchat.store.jdbc.Deadlines;
import fishchat.store.Delivery;
import fishchat.store.jdbc.InboxQueries;
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
import java.util.List;
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
    private static final int SCHEMA_VERSION = 1;
    private static final int READER_THREADS = 2;

    private final Path file;
    private final Duration timeout;
    private final GroupCommitWriter<Db> writer;
    private final Db writeConnection;
    private final ExecutorService readers;
    private final Deadlines readDeadlines = new Deadlines("sqlite-read-deadlines");
    private final List<Db> readerConnections = new ArrayList<>();
    private final ThreadLocal<Db> readerConnection;

    private SqliteStore(Path file, Duration timeout) throws SQLException {
        this.file = file;
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
            Path file = dataDir.resolve("messages.db");
            // SQLite gives its -wal and -shm files the main file's permissions: 0600 for all three.
            PrivateFiles.file(file);
            PrivateFiles.narrowIfPresent(dataDir.resolve("messages.db-wal"));
            PrivateFiles.narrowIfPresent(dataDir.resolve("messages.db-shm"));
            SqliteStore store = new SqliteStore(file, timeout);
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
                s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
                c.commit();
                c.setAutoCommit(true);
            }
        }
    }

    @Override
    public AppendResult append(NewMessage message) {
        return writer.submit(db -> Appender.append(db, message), timeout);
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
        LOG.log(INFO, "message store closed: {0}", file);
    }

    /** The append transaction's steps; runs on the writer thread inside a batch transaction. */
    static final class Appender {
        private Appender() {
        }

        static AppendResult append(Db db, NewMessage m) throws SQLException {
            List<Long> recipients;
            if (m.isGroup()) {
                recipients = Memberships.members(db, m.groupId());
                if (!recipients.contains(m.sourceUid())) {
                    return AppendResult.NOT_A_MEMBER;
                }
            } else {
                recipients = List.of(m.targetUid());
            }
            if (!m.msgId().isEmpty() && !claimMsgId(db, m)) {
                return AppendResult.DUPLICATE;
            }
            PreparedStatement nextSeq = db.prepare("""
                    INSERT INTO user_seq (uid, last_seq) VALUES (?, 1)
                    ON CONFLICT (uid) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq""");
            PreparedStatement insert = db.prepare("""
                    INSERT INTO inbox (uid, seq, source_uid, target_uid, group_id, msg_id, body, sent_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""");
            List<Delivery> deliveries = new ArrayList<>(recipients.size());
            for (long uid : recipients) {
                nextSeq.setLong(1, uid);
                long seq;
                try (ResultSet rs = nextSeq.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
                insert.setLong(1, uid);
                insert.setLong(2, seq);
                insert.setLong(3, m.sourceUid());
                insert.setLong(4, uid); // the inbox owner: the p2p target, or the group member
                insert.setLong(5, m.groupId());
                insert.setString(6, m.msgId());
                insert.setString(7, m.body());
                insert.setLong(8, m.sentAtMillis());
                insert.executeUpdate();
                deliveries.add(new Delivery(uid, seq));
            }
            return AppendResult.stored(deliveries);
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
