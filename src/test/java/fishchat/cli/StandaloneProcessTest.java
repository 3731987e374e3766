package fishchat.cli;

import fishchat.chat.auth.HmacTokens;
import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fishchat standalone} as a real process: killed with SIGKILL while senders are busy,
 * restarted on the same data dir, and every acknowledged message must be there.
 */
class StandaloneProcessTest {
    private static final Pattern READY = Pattern.compile("fishchat standalone: gateway (\\S+):(\\d+), access (\\S+):(\\d+),");
    private static final byte[] SECRET = "00112233445566778899aabbccddeeff".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path data;

    private final List<FishchatProcess> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (FishchatProcess p : processes) {
            p.close();
        }
    }

    /** Starts the standalone server in its own JVM; returns its gateway address once it listens. */
    private InetSocketAddress startServer() throws IOException, InterruptedException {
        FishchatProcess process = FishchatProcess.start("standalone", "--data", data.toString(),
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0");
        processes.add(process);
        Matcher ready = process.await(READY, 60);
        return new InetSocketAddress(ready.group(1), Integer.parseInt(ready.group(2)));
    }

    @Test
    void everyAcknowledgedMessageSurvivesKill9() throws Exception {
        Files.writeString(data.resolve("secret"), new String(SECRET, StandardCharsets.US_ASCII) + "\n");
        HmacTokens tokens = new HmacTokens(HexFormat.of().parseHex(new String(SECRET, StandardCharsets.US_ASCII)),
                Clock.systemUTC());
        InetSocketAddress gateway = startServer();
        FishchatProcess first = processes.get(0);

        long receiver = 500;
        int senders = 8;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch someAcked = new CountDownLatch(200);
        for (int s = 0; s < senders; s++) {
            long uid = 1 + s;
            threads.add(Thread.ofVirtual().start(() -> {
                try (ChatClient client = ChatClient.connect(ChatClient.askGateway(gateway, null), null, m -> { })) {
                    client.login(uid, tokens.mint(uid, Duration.ofHours(1)), ChatClient.FROM_NEWEST);
                    for (int i = 0; !stop.get(); i++) {
                        String text = uid + "-" + i;
                        if (client.sendP2P(receiver, text, text) == ErrorCode.OK) {
                            acknowledged.add(text);
                            someAcked.countDown();
                        }
                    }
                } catch (IOException expected) {
                    // the server was killed under us
                }
            }));
        }
        assertTrue(someAcked.await(30, TimeUnit.SECONDS), "senders got going");
        first.kill(); // SIGKILL: no shutdown hook, no flush
        stop.set(true);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(15));
        }
        int acked = acknowledged.size();
        assertTrue(acked >= 200);

        InetSocketAddress again = startServer();
        Set<String> stored = ConcurrentHashMap.newKeySet();
        try (ChatClient client = ChatClient.connect(ChatClient.askGateway(again, null), null,
                (offsetMsg m) -> stored.add(m.getMsg()))) {
            long newest = client.login(receiver, tokens.mint(receiver, Duration.ofHours(1)), 0);
            assertTrue(newest >= acked, "newest seq " + newest + " < acknowledged " + acked);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (client.lastSeq() < newest && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(newest, client.lastSeq(), "synced the whole inbox");
            System.out.printf("kill -9 test: %d acknowledged before the kill, %d stored after restart%n", acked, newest);
        }
        Set<String> missing = new java.util.HashSet<>(acknowledged);
        missing.removeAll(stored);
        assertEquals(Set.of(), missing, "acknowledged but lost");
    }

    @Test
    void badFlagsExitWithCode2AndSayWhy() throws Exception {
        FishchatProcess p = FishchatProcess.start("gateway", "--listen", "nonsense", "--access-list", "127.0.0.1:1");
        processes.add(p);
        assertTrue(p.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.process().exitValue(), p.output());
        p.await(Pattern.compile("'nonsense' is not host:port"), 5);
    }
}
