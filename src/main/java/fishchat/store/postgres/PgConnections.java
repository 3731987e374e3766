package fishchat.store.postgres;

import fishchat.store.StoreUnavailableException;
import fishchat.store.jdbc.ClosingStatements;
import fishchat.store.jdbc.SqlWork;
import fishchat.store.jdbc.Statements;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Work on a pooled connection, on the caller's thread, bounded by the store's timeout: in
 * autocommit mode, or as one transaction. The PostgreSQL driver does plain socket I/O under
 * ReentrantLocks, so a virtual thread waiting on it frees its carrier.
 */
final class PgConnections {
    private final DataSource pool;
    private final Duration timeout;

    PgConnections(DataSource pool, Duration timeout) {
        this.pool = pool;
        this.timeout = timeout;
    }

    /** Runs work with a pooled connection in autocommit mode. */
    <T> T query(SqlWork<Connection, T> work) {
        try (Connection c = pool.getConnection()) {
            c.setNetworkTimeout(null, (int) timeout.toMillis());
            return work.apply(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("store unavailable: " + e.getMessage(), e);
        }
    }

    /** Shared SQL on a pooled connection in autocommit mode, its statements closed after it. */
    <T> T withStatements(SqlWork<Statements, T> work) {
        return query(c -> {
            try (ClosingStatements statements = new ClosingStatements(c)) {
                return work.apply(statements);
            }
        });
    }

    /** Runs work as one transaction on a pooled connection; rolled back when it fails. */
    <T> T transaction(SqlWork<Connection, T> work) {
        return query(c -> {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // The connection is broken: the pool replaces it.
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // As above.
                }
            }
        });
    }
}
