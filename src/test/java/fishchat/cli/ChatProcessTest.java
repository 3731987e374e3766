package fishchat.cli;

import fishchat.chat.auth.HmacTokens;
import fishchat.chat.auth.SecretFile;
import fishchat.client.ChatClient;
import fishchat.protocol.external.offsetMsg;
import fishchat.testing.Await;
import fishchat.testing.FishchatProcess;
import fishchat.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fishchat chat} as a real process, typed into through its standard input (a pipe),
 * against {@code fishchat standalone} processes that are killed and started again.
 */
class ChatProcessTest {
    private static final Pattern READY = Pattern.compile("fishchat standalone: gateway ");

    @TempDir
    Path dir;

    private final List<FishchatProcess> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (FishchatProcess p : processes) {
            p.close();
        }
    }

    private FishchatProcess start(String... args) throws IOException {
        FishchatProcess p = FishchatProcess.start(args);
        processes.add(p);
        return p;
    }

    private FishchatProcess startServer(int gatewayPort, int accessPort) throws Exception {
        FishchatProcess server = start("standalone", "--gateway-listen", "127.0.0.1:" + gatewayPort,
                "--access-listen", "127.0.0.1:" + accessPort, "--no-web", "--data", dir.resolve("data").toString());
        server.await(READY, 60);
        return server;
    }

    private static void type(FishchatProcess chat, String line) throws IOException {
        OutputStream in = chat.process().getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static long linesMatching(FishchatProcess p, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return p.output().lines().filter(l -> pattern.matcher(l).find()).count();
    }

    @Test
    void aServerThatCannotBeReachedIsNamedInOneLineAndExitCode1() throws Exception {
        int port = FreePorts.take();
        FishchatProcess viaGateway = start("chat", "--gateway", "127.0.0.1:" + port, "--uid", "1", "--token", "t",
                "--state-dir", dir.resolve("state").toString());
        FishchatProcess direct = start("chat", "--access", "127.0.0.1:" + port, "--uid", "1", "--token", "t",
                "--state-dir", dir.resolve("state").toString());
        for (FishchatProcess p : List.of(viaGateway, direct)) {
            assertTrue(p.process().waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, p.process().exitValue(), p.output());
        }
        assertEquals("fishchat chat: cannot reach gateway 127.0.0.1:" + port + ": Connection refused\n", viaGateway.output());
        assertEquals("fishchat chat: cannot reach access server 127.0.0.1:" + port + ": Connection refused\n", direct.output());
    }

    @Test
    void linesTypedWhileTheServerIsDownArriveOnceAfterItComesBack() throws Exception {
        int gatewayPort = FreePorts.take();
        int accessPort = FreePorts.take();
        FishchatProcess server = startServer(gatewayPort, accessPort);
        FishchatProcess chat = start("chat", "--gateway", "127.0.0.1:" + gatewayPort, "--uid", "1",
                "--data", dir.resolve("data").toString(), "--state-dir", dir.resolve("state").toString());
        chat.await(Pattern.compile("^\\* commands: "), 60);
        type(chat, "/to 2 before the outage");
        chat.await(Pattern.compile("^\\* sent to 2$"), 30);

        server.kill(); // SIGKILL: no goodbye to the client
        chat.await(Pattern.compile("^\\* connection lost; reconnecting in \\d+\\.\\d s$"), 30);
        type(chat, "/to 2 typed while down 1");
        type(chat, "/to 2 typed while down 2");
        Await.until("both lines queued", Duration.ofSeconds(30),
                () -> linesMatching(chat, "^\\* not connected: it will be sent once reconnected$") == 2);

        startServer(gatewayPort, accessPort); // same ports, same data
        chat.await(Pattern.compile("^\\* reconnected to 127\\.0\\.0\\.1:" + accessPort + "$"), 60);
        chat.await(Pattern.compile("^\\* resent 2 pending messages$"), 30);
        type(chat, "/to 2 after the outage");
        Await.until("the send after the outage confirmed", Duration.ofSeconds(30),
                () -> linesMatching(chat, "^\\* sent to 2$") == 2);
        chat.process().getOutputStream().close(); // end of input: the chat logs out and exits
        assertTrue(chat.process().waitFor(30, TimeUnit.SECONDS), chat.output());
        assertEquals(0, chat.process().exitValue(), chat.output());
        assertFalse(chat.output().contains("\tat ") || chat.output().contains("WARNING"),
                "no stack trace, no warning:\n" + chat.output());

        Map<String, Integer> copies = inboxOf(2, gatewayPort);
        assertEquals(Map.of("before the outage", 1, "typed while down 1", 1, "typed while down 2", 1,
                "after the outage", 1), copies, "each message arrived exactly once");
    }

    /** How many copies of each text user {@code uid}'s inbox holds. */
    private Map<String, Integer> inboxOf(long uid, int gatewayPort) throws Exception {
        HmacTokens tokens = new HmacTokens(SecretFile.load(dir.resolve("data").resolve(SecretFile.DEFAULT_NAME)),
                Clock.systemUTC());
        Map<String, Integer> copies = new ConcurrentHashMap<>();
        InetSocketAddress access = ChatClient.askGateway(new InetSocketAddress("127.0.0.1", gatewayPort), null);
        try (ChatClient reader = ChatClient.connect(access, null, (offsetMsg m) -> copies.merge(m.getMsg(), 1, Integer::sum))) {
            long newest = reader.login(uid, tokens.mint(uid, Duration.ofHours(1)), 0);
            Await.until("inbox of " + uid + " read", Duration.ofSeconds(30), () -> reader.lastSeq() >= newest);
        }
        return copies;
    }

}
