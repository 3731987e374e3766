package fishchat.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import fishchat.access.AccessOptions;
import fishchat.libnet.FrameServer;
import fishchat.libnet.ServerOptions;
import fishchat.protocol.Cmd;
import fishchat.protocol.external.ReqPing;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResPing;
import fishchat.testing.ChatServer;
import fishchat.testing.ProtoClient;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The access server's handlers behind the frame decoder, over a real socket: each fuzz input
 * becomes one client connection that sends a sequence of frames (requests of every command,
 * valid and invalid logins, bodies that are not protobuf, unknown cmds) and then ends
 * cleanly, inside a frame, or with a header over the frame limit.
 *
 * <p>After every input, all of these must hold (any failure is a finding, and Jazzer keeps the
 * input as a crash file):
 * <ul>
 *   <li>the server logged no WARNING or ERROR (e.g. "handler failed", an unhandled exception
 *       from a handler) and no thread died of an uncaught exception ({@link ServerWatch});
 *   <li>the replies follow the protocol, request by request ({@link AccessReplies});
 *   <li>the bystander, a logged-in user who sends nothing, received only ResNotify pushes for
 *       messages really addressed to it, and was told of each ({@link Bystander});
 *   <li>once the fuzzed client is gone, the server is back to its baseline: one session
 *       thread (the bystander's), one session, one user online — nothing leaked;
 *   <li>a fresh client still gets a ping answered and can log in.
 * </ul>
 *
 * <p>One server serves every input of a run (starting one per input would make the fuzzer
 * slow and measure start-up). Its limits are lowered so that short inputs reach their edges:
 * a 2 048-byte frame limit (the oversize path; the default of 65 535 is the largest a header
 * can announce) and a 512-byte message limit (errCode 90004).
 */
class AccessFuzzTest {
    static final int MAX_FRAME = 2048;

    private static Path dataDir;
    private static ChatServer server;
    private static ServerWatch watch;
    private static Bystander bystander;
    private static AccessRequests requests;

    /**
     * Started by the first input, not in @BeforeAll: Jazzer installs its agent just before
     * the first input, and classes loaded before that must be re-read from the class path
     * one costly scan at a time (20 s here), while classes loaded after it are instrumented
     * as they load.
     */
    private static void start() throws IOException {
        watch = ServerWatch.install();
        dataDir = Files.createTempDirectory("fishchat-fuzz-access");
        server = ChatServer.start(dataDir,
                ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access").withMaxFrameBody(MAX_FRAME),
                new AccessOptions(512, AccessOptions.DEFAULT_RETENTION,
                        AccessOptions.DEFAULT_MAX_SESSIONS_PER_USER, AccessOptions.DEFAULT_MESSAGES_PER_SECOND,
                        AccessOptions.DEFAULT_BYTES_PER_SECOND, AccessOptions.DEFAULT_OVER_LIMIT_GRACE,
                        AccessOptions.DEFAULT_MAX_GROUPS_PER_USER, AccessOptions.Groups.OPEN), null);
        bystander = new Bystander(server, AccessRequests.BYSTANDER, AccessRequests.BYSTANDER_GROUP,
                () -> server.store().lastSeq(AccessRequests.BYSTANDER));
        requests = new AccessRequests();
        watch.assertQuiet("start-up");
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (bystander != null) {
                bystander.close();
            }
            if (server != null) {
                server.close();
            }
        } finally {
            if (watch != null) {
                watch.uninstall();
            }
            deleteRecursively(dataDir);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void clientInputNeverHurtsTheServerOrOtherUsers(FuzzedDataProvider data) throws IOException {
        if (server == null) {
            start();
        }
        // Jazzer's SSRF detector reports any connection made while fuzzing; these are ours.
        try (SilentCloseable ours = Loopback.allowOnly(server.access().address().getPort())) {
            exercise(data);
        }
    }

    private static void exercise(FuzzedDataProvider data) throws IOException {
        Exchange.Wire wire = new Exchange.Wire();
        int count = data.consumeInt(0, 24);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            wire.frame(requests.next(data));
        }
        Tails.append(data, wire, MAX_FRAME);

        Exchange exchange = Exchange.run(server.access().address(), wire.bytes(), AccessReplies.mayEndEarly(wire));
        AccessReplies.check(wire, exchange);
        FrameServer frames = server.access().frameServer();
        Settle.until("the fuzzed session's thread ends",
                () -> frames.server().connections() == 1 && frames.sessions().size() == 1);
        assertEquals(1, server.access().online().users(), "users online: the bystander only");
        bystander.check();
        stillServes();
        watch.assertQuiet("this input");
    }

    /** A fresh client gets a ping answered and logs in, and its session ends cleanly. */
    private static void stillServes() throws IOException {
        try (ProtoClient client = ProtoClient.connect(server.access().address())) {
            client.send(ReqPing.newBuilder().setCmd(Cmd.PING.code()).build());
            assertEquals(0, client.receive(Cmd.PING.code(), ResPing.parser()).getErrCode(), "ping of a fresh client");
            ResLogin login = server.login(client, AccessRequests.FUZZ_UIDS[0]);
            assertEquals(0, login.getErrCode(), "login of a fresh client");
        }
        FrameServer frames = server.access().frameServer();
        Settle.until("the fresh client's session ends",
                () -> frames.server().connections() == 1 && server.access().online().users() == 1);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
