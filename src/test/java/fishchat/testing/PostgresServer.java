package fishchat.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (Debian's server binaries) in its own temporary cluster on a free
 * loopback port, with a {@code fishchat} role (password login) and database. PostgreSQL
 * refuses to run as root, so as root it runs as the {@code postgres} user. {@link #stop()}
 * and {@link #start()} keep the data, as an operator's restart would; {@link #close()}
 * stops it and deletes everything.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "fishchat";
    public static final String PASSWORD = "fishchat-test-password";
    public static final String DATABASE = "fishchat";
    private static final String SUPERUSER_PASSWORD = "postgres-test-password";

    private final Path home;
    private final Path data;
    private final Path log;
    private final Path binDir;
    private final int port;
    private final java.util.concurrent.atomic.AtomicInteger databases = new java.util.concurrent.atomic.AtomicInteger();

    private PostgresServer(Path home, Path binDir, int port) {
        this.home = home;
        this.data = home.resolve("data");
        this.log = home.resolve("postgres.log");
        this.binDir = binDir;
        this.port = port;
    }

    /** Creates and starts a cluster; fails with what to install when PostgreSQL is missing. */
    public static PostgresServer create() throws IOException, InterruptedException, SQLException {
        Path binDir = binDir();
        // Not under JUnit's @TempDir: as root that is 0700 root, which the postgres user cannot enter.
        Path home = Files.createTempDirectory("fishchat-pg-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        PostgresServer pg = new PostgresServer(home, binDir, FreePorts.take());
        try {
            pg.init();
            pg.start();
            pg.createDatabase();
        } catch (IOException | InterruptedException | SQLException | RuntimeException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    private static Path binDir() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/pg_ctl")))
                        .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException e) {
                // fall through to the message below
            }
        }
        throw new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql: install Debian's postgresql "
                + "(apt-get install postgresql; bin/test does this when it runs as root)");
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void init() throws IOException, InterruptedException {
        Path pwfile = home.resolve("superuser-password");
        Files.writeString(pwfile, SUPERUSER_PASSWORD + "\n");
        if (root()) {
            run("chown", "-R", "postgres:postgres", home.toString());
        }
        runAsOwner(binDir.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
                "-E", "UTF8", "--no-sync", "--locale=C");
    }

    /** Starts the server on its port unless it runs; waits until it accepts connections. */
    public void start() throws IOException, InterruptedException {
        runAsOwner(binDir.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
                "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + home + " -c max_connections=200",
                "start");
    }

    /** Fast shutdown (what an operator's restart or a failover does): clients are cut at once. */
    public void stop() throws IOException, InterruptedException {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            runAsOwner(binDir.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
        }
    }

    public int port() {
        return port;
    }

    /** The URL fishchat takes in --store-url (its password comes from {@link #PASSWORD}). */
    public String url() {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    /** A fresh, empty database owned by the fishchat role, so that tests sharing a server do not meet; its URL. */
    public String newDatabase() throws SQLException {
        String name = "t" + databases.incrementAndGet();
        superuserExecute("CREATE DATABASE " + name + " OWNER " + USER);
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + name;
    }

    public Path log() {
        return log;
    }

    /** Runs SQL as the superuser, for what a test does behind fishchat's back. */
    public void superuserExecute(String sql) throws SQLException {
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public Connection superuser() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", SUPERUSER_PASSWORD);
    }

    /** Connects to the fishchat database as the superuser. */
    public Connection connectToDatabase() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, "postgres", SUPERUSER_PASSWORD);
    }

    private void createDatabase() throws SQLException {
        superuserExecute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
        superuserExecute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
    }

    private void runAsOwner(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (root()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private void run(String... command) throws IOException, InterruptedException {
        Path out = home.resolve("command.out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(out.toFile())).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 90 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + Files.readString(out)
                    + (Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : ""));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stop();
        } finally {
            try (Stream<Path> all = Files.walk(home)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

}
