package fishchat.hostile;

import fishchat.bench.attack.SilentAttack;
import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;
import fishchat.testing.FishchatProcess;
import fishchat.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node as a process at the edge of its limits: out of file descriptors, every listener
 * (frames, WebSocket, the chat page) waits and goes on accepting once descriptors are back,
 * rather than stopping for good; and under a permissive umask its data stays its owner's.
 */
class ServerProcessLimitsTest extends NodeUnderAttack {
    @Test
    void everyListenerAcceptsAgainAfterRunningOutOfFileDescriptors() throws Exception {
        startStandalone(FishchatProcess.Launch.PLAIN.withFileLimit(320));
        InetSocketAddress access = listening("access");
        String page = server.await(Pattern.compile("chat page on (http://127\\.0\\.0\\.1:\\d+/)"), 60).group(1);
        String ws = server.await(Pattern.compile("WebSocket listening on (ws://127\\.0\\.0\\.1:\\d+/ws)"), 60).group(1);
        InetSocketAddress pagePort = new InetSocketAddress("127.0.0.1", URI.create(page).getPort());

        // More connections than the process may have descriptors: accepts fail with EMFILE (the
        // kernel completes the handshakes all the same, so the clients cannot tell; the log can).
        SilentAttack.run(pagePort, 600, 5, Duration.ofSeconds(2));
        assertTrue(server.output().contains("accept failed"), "the file limit was reached:\n" + server.output());

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page + "access"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), "the chat page accepts again");
        try (ChatClient client = ChatClient.connect(access, null, message -> { })) {
            assertEquals(ErrorCode.OK, client.ping(), "the frame port accepts again");
        }
        try (WsClient browser = WsClient.connect(ws, null)) {
            browser.send(fishchat.protocol.external.ReqPing.newBuilder().setCmd(fishchat.protocol.Cmd.PING.code()).build());
            assertEquals(0, browser.receive(fishchat.protocol.Cmd.PING.code(), fishchat.protocol.external.ResPing.parser())
                    .getErrCode(), "the WebSocket port accepts again");
        }
    }

    @Test
    void theDataDirectoryAndItsFilesAreTheOwnersAloneWhateverTheUmask() throws Exception {
        Path data = dir.resolve("data");
        startStandalone(FishchatProcess.Launch.PLAIN.withUmask("022"), data, "--no-web");
        InetSocketAddress access = listening("access");
        try (ChatClient client = ChatClient.connect(access, null, message -> { })) {
            client.login(1, new fishchat.chat.auth.HmacTokens(fishchat.chat.auth.SecretFile.load(data.resolve("secret")),
                    java.time.Clock.systemUTC()).mint(1, Duration.ofMinutes(5)), ChatClient.FROM_NEWEST);
            assertEquals(ErrorCode.OK, client.sendP2P(2, "m1", "a write, so that the WAL exists"));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        for (String name : new String[] {"messages.db", "messages.db-wal", "messages.db-shm", "secret"}) {
            Path file = data.resolve(name);
            assertTrue(Files.exists(file), name);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), name);
        }
    }

    @Test
    void aDataDirectoryFoundOpenIsNarrowed() throws Exception {
        Path data = Files.createDirectory(dir.resolve("open"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        startStandalone(FishchatProcess.Launch.PLAIN.withUmask("022"), data, "--no-web");
        listening("access");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        assertTrue(server.output().contains("permissions narrowed"), server.output());
    }
}
