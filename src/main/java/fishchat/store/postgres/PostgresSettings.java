package fishchat.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where the cluster store lives and how to log in: parsed from
 * {@code postgresql://user@host:port/db[?param=value…]}. The password never comes from the
 * URL (it would show in the process list): the caller passes it from a file or PGPASSWORD.
 */
public record PostgresSettings(String host, int port, String database, String user, String query, String password) {
    /** Fails a hung database within a caller's deadline (seconds; the driver's units). */
    static final int CONNECT_TIMEOUT_SECONDS = 2;
    static final int SOCKET_TIMEOUT_SECONDS = 10;

    public PostgresSettings {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("the store URL names no user: postgresql://USER@HOST:PORT/DB");
        }
    }

    /** Parses a {@code postgresql://} (or {@code postgres://}) URL; {@code password} may be null. */
    public static PostgresSettings parse(String url, String password) {
        URI uri;
        try {
            uri = new URI(url.startsWith("jdbc:") ? url.substring(5) : url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a store URL: " + url + " (" + e.getMessage() + ")");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("not a PostgreSQL URL: " + url + " (want postgresql://USER@HOST:PORT/DB)");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            throw new IllegalArgumentException("the store URL carries a password; give it with --store-password-file or PGPASSWORD instead");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the store URL names no host: " + url);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty()) {
            throw new IllegalArgumentException("the store URL names no database: " + url);
        }
        return new PostgresSettings(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database,
                uri.getUserInfo(), uri.getRawQuery(), password);
    }

    /** The JDBC URL, with the user's own parameters (e.g. sslmode) kept. */
    public String jdbcUrl() {
        String base = "jdbc:postgresql://" + host + ":" + port + "/" + database;
        return query == null || query.isEmpty() ? base : base + "?" + query;
    }

    /** Driver properties shared by the pool and the LISTEN connection. */
    Properties driverProperties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        p.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "fishchat");
        return p;
    }

    /**
     * A connection outside the pool (the LISTEN connection must not be recycled under us),
     * named {@code applicationName} in pg_stat_activity.
     */
    Connection connect(String applicationName) throws SQLException {
        Properties p = driverProperties();
        p.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(jdbcUrl(), p);
    }

    /** For logs: never the password. */
    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
}
