package fishchat.hostile;

import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** A fishchat process a test starts as {@link #server} over a temporary {@link #dir}, stopped after the test. */
abstract class NodeUnderAttack {
    @TempDir
    Path dir;

    FishchatProcess server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    /** The port in the server's first log line matching {@code regex} (its one group), waiting up to a minute. */
    int port(String regex) throws InterruptedException {
        return Integer.parseInt(server.await(Pattern.compile(regex), 60).group(1));
    }
}
