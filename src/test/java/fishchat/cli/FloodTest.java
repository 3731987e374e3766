package fishchat.cli;

import fishchat.chat.auth.HmacTokens;
import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;
import fishchat.testing.Await;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 15 000 idle and half-open connections from one address (127.0.0.2) against a real
 * standalone process: a well-behaved client from another address (127.0.0.3) still logs in
 * and chats. The server runs in its own process so that the two ends' descriptors do not
 * share this machine's per-process cap of 20 000.
 */
class FloodTest {
    private static final String SECRET_HEX = "0123456789abcdef0123456789abcdef";
    private static final int FLOOD = 15_000;
    /** Descriptors this JVM must keep for everything else (jars, other sockets). */
    private static final int SPARE_DESCRIPTORS = 2_000;

    @TempDir
    Path data;

    private final List<Socket> flood = new ArrayList<>();
    private FishchatProcess server;

    @AfterEach
    void cleanUp() throws Exception {
        for (Socket s : flood) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The soft open-file limit of this JVM (the JDK raises it to the hard limit at start). */
    private static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 20_000;
    }

    /** Two users on 127.0.0.3 log in and one's message reaches the other. */
    private static void assertAnotherAddressChats(InetSocketAddress access, String text) throws Exception {
        HmacTokens tokens = new HmacTokens(HexFormat.of().parseHex(SECRET_HEX), Clock.systemUTC());
        InetSocketAddress polite = new InetSocketAddress("127.0.0.3", 0);
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (ChatClient alice = ChatClient.connect(access, polite, m -> { });
             ChatClient bob = ChatClient.connect(access, polite, (offsetMsg m) -> received.add(m.getMsg()))) {
            alice.login(1, tokens.mint(1, Duration.ofHours(1)), 0);
            bob.login(2, tokens.mint(2, Duration.ofHours(1)), 0);
            assertEquals(ErrorCode.OK, alice.sendP2P(2, "", text));
            Await.until("delivered during the flood", Duration.ofSeconds(10), () -> received.contains(text));
        }
    }

    @Test
    void aFloodFromOneAddressDoesNotStopAClientFromAnother() throws Exception {
        Files.writeString(data.resolve("secret"), SECRET_HEX + "\n");
        server = FishchatProcess.start("standalone", "--data", data.toString(),
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0",
                "--max-connections-per-ip", "2000", "--handshake-timeout", "60s",
                "--new-connection-rate-per-ip", "0"); // this test is about the cap on open connections
        Matcher ready = server.await(Pattern.compile("gateway (\\S+):(\\d+), access (\\S+):(\\d+),"), 60);
        InetSocketAddress access = new InetSocketAddress(ready.group(3), Integer.parseInt(ready.group(4)));

        long limit = openFileLimit();
        int count = (int) Math.min(FLOOD, limit - SPARE_DESCRIPTORS);
        assertTrue(count > 2_500, "needs an open-file limit above " + (2_500 + SPARE_DESCRIPTORS) + "; have " + limit);
        InetSocketAddress flooder = new InetSocketAddress("127.0.0.2", 0);
        for (int i = 0; i < count; i++) {
            Socket s = new Socket();
            flood.add(s);
            s.bind(flooder);
            s.connect(access, 5000);
            if (i % 2 == 0) {
                s.getOutputStream().write(new byte[] {0, 40, 8}); // half a frame, never finished
            }
        }
        assertAnotherAddressChats(access, "still here");
        String log = server.output();
        assertTrue(log.contains("(cap per address)"), "the flood was refused past the cap");
    }

    /**
     * With the default new-connection rate per address, a connect flood from 127.0.0.2 is
     * answered (Error 90005 with a retry-after hint, then closed: never dropped silently)
     * while a client from 127.0.0.3 logs in and chats.
     */
    @Test
    void aConnectFloodIsAnsweredWithWhenToComeBackAndAnotherAddressChats() throws Exception {
        Files.writeString(data.resolve("secret"), SECRET_HEX + "\n");
        server = FishchatProcess.start("standalone", "--data", data.toString(),
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0",
                "--handshake-timeout", "120s"); // admitted flood connections stay open until counted
        Matcher ready = server.await(Pattern.compile("gateway (\\S+):(\\d+), access (\\S+):(\\d+),"), 60);
        InetSocketAddress access = new InetSocketAddress(ready.group(3), Integer.parseInt(ready.group(4)));
        InetSocketAddress flooder = new InetSocketAddress("127.0.0.2", 0);
        int count = 3_000;
        for (int i = 0; i < count; i++) {
            Socket s = new Socket();
            flood.add(s);
            s.bind(flooder);
            s.connect(access, 5000);
        }
        assertAnotherAddressChats(access, "served during the connect flood");
        int admitted = 0;
        int refusedWithHint = 0;
        for (Socket s : flood) {
            // Answers are in the socket buffers already; an admitted connection has nothing to read.
            s.setSoTimeout(5);
            try {
                byte[] frame = s.getInputStream().readNBytes(2);
                if (frame.length < 2) {
                    throw new AssertionError("a flood connection was closed without an answer");
                }
                int length = ((frame[0] & 0xff) << 8) | (frame[1] & 0xff);
                var error = fishchat.protocol.external.Error.parseFrom(s.getInputStream().readNBytes(length));
                assertEquals(ErrorCode.RATE_LIMITED.code(), error.getErrCode());
                assertTrue(error.getRetryAfterMs() > 0 && error.getRetryAfterMs() <= 1000, "hint " + error.getRetryAfterMs());
                assertEquals(-1, s.getInputStream().read(), "closed after the answer");
                refusedWithHint++;
            } catch (java.net.SocketTimeoutException silentBecauseAdmitted) {
                admitted++; // an admitted connection waits for a first frame
            }
        }
        assertEquals(count, admitted + refusedWithHint);
        assertTrue(refusedWithHint > 0 && admitted >= 500, "admitted " + admitted + ", refused " + refusedWithHint);
    }
}
