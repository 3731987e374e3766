package fishchat.hostile;

import fishchat.protocol.Cmd;
import fishchat.protocol.external.ReqPing;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A fishchat process a test starts as {@link #server} over a temporary {@link #dir}, stopped after the test. */
abstract class NodeUnderAttack {
    /** A request an access server answers before any login: what attacking connections greet with. */
    static final byte[] PING = ReqPing.newBuilder().setCmd(Cmd.PING.code()).build().toByteArray();

    @TempDir
    Path dir;

    FishchatProcess server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    /** {@code fishchat standalone} with its data in {@link #dir}, gateway and access on free loopback ports, and {@code flags}. */
    void startStandalone(FishchatProcess.Launch launch, String... flags) throws IOException {
        startStandalone(launch, dir, flags);
    }

    /** The same with its data in {@code data}. */
    void startStandalone(FishchatProcess.Launch launch, Path data, String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("standalone", "--data", data.toString(),
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0"));
        args.addAll(List.of(flags));
        server = FishchatProcess.start(launch, args.toArray(String[]::new));
    }

    /** The loopback address of the server's port that it logs as "{@code what} listening on 127.0.0.1:N" (access, gateway). */
    InetSocketAddress listening(String what) throws InterruptedException {
        return new InetSocketAddress("127.0.0.1", port(what + " listening on 127\\.0\\.0\\.1:(\\d+)"));
    }

    /** The port in the server's first log line matching {@code regex} (its one group), waiting up to a minute. */
    int port(String regex) throws InterruptedException {
        return Integer.parseInt(server.await(Pattern.compile(regex), 60).group(1));
    }
}
