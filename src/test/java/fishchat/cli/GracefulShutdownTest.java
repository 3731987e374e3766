package fishchat.cli;

import fishchat.chat.auth.HmacTokens;
import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;
import fishchat.testing.EtcdServer;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM to a real access process registered in a real etcd, while clients send. */
class GracefulShutdownTest {
    private static final String SECRET_HEX = "00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private FishchatProcess startAccess(EtcdServer etcd, Path data) throws IOException {
        FishchatProcess access = FishchatProcess.start("access", "--listen", "127.0.0.1:0", "--data", data.toString(),
                "--etcd", etcd.endpoint(), "--node-id", "graceful");
        toClose.add(access);
        return access;
    }

    @Test
    void sigtermDeregistersDrainsAndExitsZeroLosingNothing() throws Exception {
        EtcdServer etcd = EtcdServer.start(dir);
        toClose.add(etcd);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("secret"), SECRET_HEX + "\n");
        HmacTokens tokens = new HmacTokens(HexFormat.of().parseHex(SECRET_HEX), Clock.systemUTC());

        FishchatProcess access = startAccess(etcd, data);
        Matcher listening = access.await(Pattern.compile("access listening on 127\\.0\\.0\\.1:(\\d+)"), 60);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(listening.group(1)));
        access.await(Pattern.compile("node graceful registered"), 30);
        assertTrue(etcd.get("/v2/keys/fishchat/access/graceful").contains("\"value\""));

        long receiver = 900;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch going = new CountDownLatch(100);
        List<Thread> senders = new ArrayList<>();
        for (long uid = 1; uid <= 4; uid++) {
            long sender = uid;
            senders.add(Thread.ofVirtual().start(() -> {
                try (ChatClient client = ChatClient.connect(address, null, m -> { })) {
                    client.login(sender, tokens.mint(sender, Duration.ofHours(1)), ChatClient.FROM_NEWEST);
                    for (int i = 0; !stop.get(); i++) {
                        String text = sender + "-" + i;
                        if (client.sendP2P(receiver, text, text) == ErrorCode.OK) {
                            acknowledged.add(text);
                            going.countDown();
                        }
                    }
                } catch (IOException expected) {
                    // the server closed our session while draining
                }
            }));
        }
        assertTrue(going.await(30, TimeUnit.SECONDS));
        int exit = access.terminate(30); // SIGTERM
        stop.set(true);
        for (Thread t : senders) {
            t.join(Duration.ofSeconds(15));
        }
        assertEquals(0, exit, access.output());
        String key = etcd.get("/v2/keys/fishchat/access/graceful");
        assertTrue(key.contains("\"errorCode\":100"), "key deleted: " + key + "\n" + access.output());
        assertTrue(access.output().contains("node graceful deregistered"), access.output());
        assertFalse(access.output().contains("Exception"), access.output());

        FishchatProcess again = startAccess(etcd, data);
        Matcher relisten = again.await(Pattern.compile("access listening on 127\\.0\\.0\\.1:(\\d+)"), 60);
        Set<String> stored = ConcurrentHashMap.newKeySet();
        try (ChatClient client = ChatClient.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(relisten.group(1))),
                null, (offsetMsg m) -> stored.add(m.getMsg()))) {
            long newest = client.login(receiver, tokens.mint(receiver, Duration.ofHours(1)), 0);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (client.lastSeq() < newest && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(stored);
        assertEquals(Set.of(), missing, "acknowledged before SIGTERM but lost");
        System.out.printf("SIGTERM test: %d messages acknowledged, all found after restart%n", acknowledged.size());
    }
}
