package fishchat.store.sqlite;

import fishchat.store.jdbc.BatchTransactions;

import java.sql.SQLException;

/**
 * Batch transactions on the store's one write connection.
 *
 * <p>Explicit statements on an autocommit connection: with setAutoCommit(false) the driver
 * begins the next transaction right after each commit and would hold the write lock while
 * idle, starving another process that shares the file. IMMEDIATE takes the lock up front: a
 * deferred transaction that reads first (group members) cannot upgrade to writing if another
 * process wrote meanwhile (SQLITE_BUSY_SNAPSHOT).
 */
final class SqliteTransactions implements BatchTransactions<Db> {
    private static final System.Logger LOG = System.getLogger(SqliteTransactions.class.getName());

    private final Db db;

    SqliteTransactions(Db db) {
        this.db = db;
    }

    @Override
    public Db begin() throws SQLException {
        db.execute("BEGIN IMMEDIATE");
        return db;
    }

    @Override
    public void commit(Db batch) throws SQLException {
        batch.execute("COMMIT");
    }

    @Override
    public void rollback(Db batch) {
        try {
            batch.execute("ROLLBACK");
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "store rollback: {0}", e.getMessage());
        }
    }
}
