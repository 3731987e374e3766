package fishchat.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Where shared SQL gets its prepared statements: an engine's cache, or a connection that closes them after the work. */
@FunctionalInterface
public interface Statements {
    /** A statement for {@code sql}, parameters cleared; the engine closes it, the caller does not. */
    PreparedStatement prepare(String sql) throws SQLException;
}
