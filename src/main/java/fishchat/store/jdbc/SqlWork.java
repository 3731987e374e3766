package fishchat.store.jdbc;

import java.sql.SQLException;

/**
 * Work a store runs with a database context {@code C} (a connection, or a batch holding
 * one), on whichever thread the store chooses.
 */
@FunctionalInterface
public interface SqlWork<C, T> {
    T apply(C context) throws SQLException;
}
