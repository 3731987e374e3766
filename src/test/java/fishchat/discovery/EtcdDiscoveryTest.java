package fishchat.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fishchat.access.NodeRegistration;
import fishchat.client.ChatClient;
import fishchat.discovery.etcd.EtcdRegistry;
import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.gateway.DiscoveryPoller;
import fishchat.gateway.GatewayServer;
import fishchat.libnet.ServerOptions;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;
import fishchat.protocol.external.ResSelectAccessServerForClient;
import fishchat.testing.Await;
import fishchat.testing.ChatServer;
import fishchat.testing.EtcdServer;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery against a real etcd started for this class (v2 API), never a fake. */
class EtcdDiscoveryTest {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path etcdDir;
    private static EtcdServer etcd;

    @TempDir
    Path work;
    private String prefix;
    private EtcdRegistry registry;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.start(etcdDir);
    }

    @AfterAll
    static void stopEtcd() throws InterruptedException {
        etcd.close();
    }

    @BeforeEach
    void openRegistry() throws Exception {
        etcd.start(); // again only if a test stopped it
        prefix = "/t" + PREFIXES.incrementAndGet(); // each test in its own key space
        registry = new EtcdRegistry(EtcdRegistry.parseEndpoints(etcd.endpoint()), prefix);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        registry.close();
    }

    private static AccessNode node(String id, String addr) {
        return new AccessNode(id, addr, "", "", "", "", 0, System.currentTimeMillis(), "test");
    }

    private NodeRegistration register(AccessNode node, Duration ttl, Duration refresh) {
        NodeRegistration registration = new NodeRegistration(registry, node, () -> 7, ttl, refresh);
        toClose.add(registration);
        return registration;
    }

    /** The key as etcd answers it; asked again while etcd does not answer (a slow sync on a busy machine), for 10 s. */
    private JsonNode rawKey(String id) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String body = etcd.get("/v2/keys" + prefix + "/access/" + id);
        while (body == null && System.nanoTime() < deadline) {
            body = etcd.get("/v2/keys" + prefix + "/access/" + id);
        }
        return body == null ? null : JSON.readTree(body);
    }

    private boolean keyExists(String id) {
        try {
            JsonNode key = rawKey(id);
            return key != null && key.has("node");
        } catch (IOException e) {
            return false;
        }
    }

    /** etcd's createdIndex of the key: it grows when the key is written anew, not when it is refreshed; -1 when absent. */
    private long createdIndex(String id) {
        try {
            JsonNode key = rawKey(id);
            return key != null && key.has("node") ? key.get("node").get("createdIndex").asLong() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private AccessDirectory poll(Duration interval) {
        AccessDirectory directory = new AccessDirectory(AccessList.EMPTY);
        toClose.add(new DiscoveryPoller(registry, directory, interval));
        return directory;
    }

    @Test
    void registrationIsTheNodeJsonWithATtl() throws Exception {
        register(node("n1", "127.0.0.1:11000"), Duration.ofSeconds(10), Duration.ofSeconds(3));
        Await.until("key written", Duration.ofSeconds(10), () -> keyExists("n1"));
        JsonNode entry = rawKey("n1").get("node");
        long ttl = entry.get("ttl").asLong();
        assertTrue(ttl > 0 && ttl <= 10, "ttl " + ttl);
        JsonNode value = JSON.readTree(entry.get("value").asText());
        assertEquals("n1", value.get("id").asText());
        assertEquals("127.0.0.1:11000", value.get("addr").asText());
        assertTrue(value.has("peerAddr"));
        assertEquals(7, value.get("sessions").asLong());
        assertTrue(value.get("startedAt").asLong() > 0);
        assertEquals("test", value.get("version").asText());
    }

    @Test
    void refreshKeepsTheKeyAlivePastThreeTtlsAndStopRemovesItAtOnce() throws Exception {
        // TTL 2 s refreshed every 300 ms: a refresh may be late by a second and the key lives.
        NodeRegistration registration = register(node("n1", "127.0.0.1:11000"), Duration.ofSeconds(2), Duration.ofMillis(300));
        Await.until("key written", Duration.ofSeconds(10), () -> keyExists("n1"));
        Thread.sleep(6500);
        assertTrue(keyExists("n1"), "alive after 3.25 TTLs");
        registration.stop();
        assertTrue(!keyExists("n1"), "gone at once after an orderly stop");
    }

    @Test
    void aVanishedKeyIsRecreated() {
        register(node("n1", "127.0.0.1:11000"), Duration.ofSeconds(10), Duration.ofMillis(300));
        Await.until("key written", Duration.ofSeconds(10), () -> keyExists("n1"));
        long created = createdIndex("n1");
        registry.withdraw("n1"); // as if it had expired during a pause, or etcd had lost it
        // Not "absent, then back": the next refresh (300 ms) may come before a check for absence.
        Await.until("key written anew", Duration.ofSeconds(10), () -> createdIndex("n1") > created);
    }

    @Test
    void pollerSeesNodesJoinAndLeaveWithinOnePoll() {
        AccessDirectory directory = poll(Duration.ofMillis(300));
        NodeRegistration a = register(node("a", "127.0.0.1:1"), Duration.ofSeconds(10), Duration.ofSeconds(3));
        Await.until("a handed out", Duration.ofSeconds(5), () -> directory.current().addresses().equals(List.of("127.0.0.1:1")));
        register(node("b", "127.0.0.1:2"), Duration.ofSeconds(10), Duration.ofSeconds(3));
        Await.until("b handed out too", Duration.ofSeconds(5),
                () -> directory.current().addresses().equals(List.of("127.0.0.1:1", "127.0.0.1:2")));
        a.stop();
        Await.until("a gone", Duration.ofSeconds(5), () -> directory.current().addresses().equals(List.of("127.0.0.1:2")));
    }

    @Test
    void tlsAddressesAreHandedOutOnlyToTlsClientsAndUnknownFieldsAreIgnored() throws Exception {
        AccessDirectory directory = poll(Duration.ofMillis(300));
        register(new AccessNode("t", "127.0.0.1:1", "127.0.0.1:443", "", "", "", 0, 1, "test"), Duration.ofSeconds(10),
                Duration.ofSeconds(3));
        register(node("plain", "127.0.0.1:2"), Duration.ofSeconds(10), Duration.ofSeconds(3));
        // A node of a newer version publishing a field this one does not know is still read.
        etcd.put("/v2/keys" + prefix + "/access/future", "value=" + java.net.URLEncoder.encode(
                "{\"id\":\"future\",\"addr\":\"127.0.0.1:3\",\"wsAddr\":\"127.0.0.1:8080\"}",
                java.nio.charset.StandardCharsets.UTF_8) + "&ttl=30");
        Await.until("all three plaintext, one TLS", Duration.ofSeconds(5),
                () -> directory.current(false).addresses().equals(List.of("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"))
                        && directory.current(true).addresses().equals(List.of("127.0.0.1:443")));
    }

    @Test
    void anAccessNodePublishesItsWebSocketUrlAndTheGatewayHandsItOutWithItsAddress() throws Exception {
        FishchatProcess access = FishchatProcess.start("access", "--listen", "127.0.0.1:0", "--ws-listen", "127.0.0.1:0",
                "--data", work.resolve("data").toString(), "--etcd", etcd.endpoint(), "--etcd-prefix", prefix,
                "--node-id", "web");
        toClose.add(access);
        String addr = "127.0.0.1:" + access.await(Pattern.compile("access listening on 127\\.0\\.0\\.1:(\\d+)"), 60).group(1);
        String wsUrl = access.await(Pattern.compile("WebSocket listening on (ws://127\\.0\\.0\\.1:\\d+/ws)"), 30).group(1);
        AccessDirectory directory = poll(Duration.ofMillis(300));
        Await.until("handed out with its WebSocket URL", Duration.ofSeconds(10), () -> directory.current().pick()
                .map(choice -> choice.addr().equals(addr) && choice.wsUrl().equals(wsUrl)).orElse(false));
        ResSelectAccessServerForClient reply = ResSelectAccessServerForClient.parseFrom(
                java.util.Arrays.copyOfRange(directory.current().pickReply().encoded(), 2, directory.current().pickReply().encoded().length));
        assertEquals(addr, reply.getAddr());
        assertEquals(wsUrl, reply.getWsAddr());

        // A gateway process answers browsers too: GET /access on its --web-listen.
        FishchatProcess gateway = FishchatProcess.start("gateway", "--listen", "127.0.0.1:0", "--web-listen", "127.0.0.1:0",
                "--etcd", etcd.endpoint(), "--etcd-prefix", prefix, "--poll-interval", "300ms");
        toClose.add(gateway);
        String page = gateway.await(Pattern.compile("chat page on (http://127\\.0\\.0\\.1:\\d+/)"), 60).group(1);
        var http = java.net.http.HttpClient.newHttpClient();
        Await.until("the gateway's /access names the node and its WebSocket", Duration.ofSeconds(10), () -> {
            try {
                String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(page + "access")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                return body.contains("\"addr\":\"" + addr + "\"") && body.contains("\"wsUrl\":\"" + wsUrl + "\"");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    @Test
    void aKilledAccessProcessStopsBeingHandedOutWithinTtlPlusPoll() throws Exception {
        FishchatProcess access = FishchatProcess.start("access", "--listen", "127.0.0.1:0",
                "--data", work.resolve("data").toString(), "--etcd", etcd.endpoint(), "--etcd-prefix", prefix,
                "--node-id", "doomed");
        toClose.add(access);
        Matcher listening = access.await(Pattern.compile("access listening on 127\\.0\\.0\\.1:(\\d+)"), 60);
        String addr = "127.0.0.1:" + listening.group(1);
        access.await(Pattern.compile("node doomed registered as " + Pattern.quote(addr)), 30);
        Duration pollInterval = Duration.ofSeconds(1);
        AccessDirectory directory = poll(pollInterval);
        Await.until("handed out", Duration.ofSeconds(5), () -> directory.current().addresses().equals(List.of(addr)));
        long killed = System.nanoTime();
        access.kill();
        // TTL + one poll by design; the slack is etcd's own expiry sweep and a busy machine.
        Await.until("dropped after the kill", NodeRegistration.TTL.plus(pollInterval).plusSeconds(8),
                () -> directory.current().addresses().isEmpty());
        long tookMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        System.out.printf("kill -9 of an access node: dropped from the gateway's list after %d ms%n", tookMillis);
    }

    @Test
    void whileEtcdIsDownGatewayAndAccessKeepServingAndRecoverAfterwards() throws Exception {
        ChatServer chat = ChatServer.start(work.resolve("chat"));
        toClose.add(chat);
        InetSocketAddress bound = chat.access().address();
        String addr = bound.getHostString() + ":" + bound.getPort();
        register(node("live", addr), Duration.ofSeconds(10), Duration.ofMillis(500));
        AccessDirectory directory = poll(Duration.ofMillis(300));
        GatewayServer gateway = new GatewayServer(ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "gateway"),
                directory).start();
        toClose.add(gateway);
        Await.until("handed out", Duration.ofSeconds(5), () -> directory.current().addresses().equals(List.of(addr)));
        Set<String> received = ConcurrentHashMap.newKeySet();
        ChatClient alice = ChatClient.connect(ChatClient.askGateway(gateway.address(), null), null, m -> { });
        ChatClient bob = ChatClient.connect(ChatClient.askGateway(gateway.address(), null), null,
                (offsetMsg m) -> received.add(m.getMsg()));
        toClose.add(alice);
        toClose.add(bob);
        alice.login(1, chat.token(1), 0);
        bob.login(2, chat.token(2), 0);

        etcd.stop();
        Thread.sleep(1500); // several failed polls and refreshes
        assertEquals(bound.getPort(), ChatClient.askGateway(gateway.address(), null).getPort(),
                "the gateway answers from its last list");
        assertEquals(ErrorCode.OK, alice.sendP2P(2, "during-outage", "etcd is down"), "delivery does not need etcd");
        Await.until("delivered", Duration.ofSeconds(5), () -> received.contains("etcd is down"));

        etcd.start(); // same data dir
        Await.until("registration restored", Duration.ofSeconds(10), () -> keyExists("live"));
        register(node("late", "127.0.0.1:3"), Duration.ofSeconds(10), Duration.ofMillis(500));
        Await.until("new node seen", Duration.ofSeconds(10),
                () -> directory.current().addresses().equals(List.of(addr, "127.0.0.1:3").stream().sorted().toList()));
    }

    @Test
    void clientGoesThroughAnEtcdDiscoveredGatewayToChat() throws Exception {
        ChatServer chat = ChatServer.start(work.resolve("chat"));
        toClose.add(chat);
        InetSocketAddress bound = chat.access().address();
        register(node("only", bound.getHostString() + ":" + bound.getPort()), Duration.ofSeconds(10), Duration.ofSeconds(3));
        GatewayServer gateway = new GatewayServer(ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "gateway"),
                poll(Duration.ofMillis(300))).start();
        toClose.add(gateway);
        Await.until("gateway knows the node", Duration.ofSeconds(5), () -> {
            try {
                return ChatClient.askGateway(gateway.address(), null).getPort() == bound.getPort();
            } catch (IOException e) {
                return false; // 92001 until the first poll
            }
        });
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (ChatClient alice = ChatClient.connect(ChatClient.askGateway(gateway.address(), null), null, m -> { });
             ChatClient bob = ChatClient.connect(ChatClient.askGateway(gateway.address(), null), null,
                     (offsetMsg m) -> received.add(m.getMsg()))) {
            alice.login(10, chat.token(10), 0);
            bob.login(20, chat.token(20), 0);
            assertEquals(ErrorCode.OK, alice.sendP2P(20, "e2e", "found you through etcd"));
            Await.until("synced", Duration.ofSeconds(5), () -> received.contains("found you through etcd"));
        }
    }

    @Test
    void malformedEndpointsAreRefusedClearly() {
        for (String bad : List.of("127.0.0.1:2379", "ftp://h:1", "http://h", "http://h:1/path")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> EtcdRegistry.parseEndpoints(bad));
            assertTrue(e.getMessage().contains("is not an etcd endpoint"), e.getMessage());
        }
        assertEquals(2, EtcdRegistry.parseEndpoints("http://127.0.0.1:2379, http://127.0.0.2:2379").size());
    }

    @Test
    void aDeadEtcdFailsCallsWithinSecondsInsteadOfHanging() {
        EtcdRegistry dead = new EtcdRegistry(EtcdRegistry.parseEndpoints("http://127.0.0.1:1"), "/x");
        try {
            long start = System.nanoTime();
            org.junit.jupiter.api.Assertions.assertThrows(RegistryUnavailableException.class, dead::accessNodes);
            org.junit.jupiter.api.Assertions.assertThrows(RegistryUnavailableException.class,
                    () -> dead.publish(node("x", "h:1"), Duration.ofSeconds(10)));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
        } finally {
            dead.close();
        }
    }
}
