package fishchat.cli;

import fishchat.metrics.Metrics;
import fishchat.store.MessageStore;
import fishchat.store.postgres.PostgresSettings;
import fishchat.store.postgres.PostgresStore;
import fishchat.store.sqlite.SqliteStore;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Which message store a node uses: --store-url, --store-password-file (else the embedded SQLite store in --data). */
final class StoreFlags {
    /** How long a request waits for the store before it is answered 90001 (docs/PROTOCOL.md: within 5 s). */
    static final Duration STORE_TIMEOUT = Duration.ofSeconds(4);

    @Option(names = "--store-url", paramLabel = "URL",
            description = "Shared PostgreSQL store for a cluster, postgresql://USER@HOST:PORT/DB "
                    + "(default: the embedded SQLite store in the data directory).")
    String url;

    @Option(names = "--store-password-file", paramLabel = "FILE",
            description = "File holding the PostgreSQL password (default: the PGPASSWORD environment variable). "
                    + "Never on the command line, where the process list shows it.")
    Path passwordFile;

    /** Refuses a malformed URL or an unreadable password file before anything starts. */
    PostgresSettings postgres() throws IOException {
        if (url == null) {
            if (passwordFile != null) {
                throw new IllegalArgumentException("--store-password-file needs --store-url");
            }
            return null;
        }
        String password = passwordFile != null ? Files.readString(passwordFile).strip() : System.getenv("PGPASSWORD");
        return PostgresSettings.parse(url, password);
    }

    /** Opens the chosen store and registers its figures. */
    MessageStore open(Path dataDir, Metrics metrics) throws IOException {
        PostgresSettings postgres = postgres();
        MessageStore store = postgres != null
                ? PostgresStore.open(postgres, STORE_TIMEOUT)
                : SqliteStore.open(dataDir, STORE_TIMEOUT);
        store.instrument(metrics);
        return store;
    }

    /** What the start-up line says about the store. */
    String describe(Path dataDir) {
        return url != null ? "store " + url : "data " + dataDir.toAbsolutePath().normalize();
    }
}
