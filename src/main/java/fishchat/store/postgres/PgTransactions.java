package fishchat.store.postgres;

import fishchat.store.jdbc.BatchTransactions;
import fishchat.store.jdbc.RecordedTargets;

import javax.sql.DataSource;
import java.sql.SQLException;

/** Each batch borrows a pooled connection, so a database restart costs a batch, not the writer. */
final class PgTransactions implements BatchTransactions<PgBatch> {
    private final DataSource pool;
    private final String origin;
    private final RecordedTargets webhooks;

    PgTransactions(DataSource pool, String origin, RecordedTargets webhooks) {
        this.pool = pool;
        this.origin = origin;
        this.webhooks = webhooks;
    }

    @Override
    public PgBatch begin() throws SQLException {
        return new PgBatch(pool.getConnection(), webhooks);
    }

    @Override
    public void commit(PgBatch batch) throws SQLException {
        batch.commit(origin);
        batch.release();
    }

    @Override
    public void rollback(PgBatch batch) {
        batch.abandon();
    }
}
