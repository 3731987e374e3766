package fishchat.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Statements prepared on a borrowed connection for one piece of work, closed with it. */
public final class ClosingStatements implements Statements, AutoCloseable {
    private final Connection connection;
    private final List<PreparedStatement> prepared = new ArrayList<>(2);

    public ClosingStatements(Connection connection) {
        this.connection = connection;
    }

    @Override
    public PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        prepared.add(statement);
        return statement;
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement statement : prepared) {
            statement.close();
        }
    }
}
