package fishchat.store.jdbc;

import java.sql.SQLException;

/**
 * How a {@link GroupCommitWriter} opens, commits and abandons one transaction on a given
 * engine. {@code C} is what each write in the batch works with.
 */
public interface BatchTransactions<C> {
    /** Starts a transaction; a failure here fails the whole batch at once (nothing ran). */
    C begin() throws SQLException;

    /** Makes every write of the batch durable; returns only once it is. */
    void commit(C batch) throws SQLException;

    /** Abandons the transaction (after a failure anywhere in it). Never throws. */
    void rollback(C batch);
}
