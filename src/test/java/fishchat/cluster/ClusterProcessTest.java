package fishchat.cluster;

import fishchat.chat.auth.HmacTokens;
import fishchat.client.ChatClient;
import fishchat.client.ChatException;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResNotify;
import fishchat.protocol.external.offsetMsg;
import fishchat.testing.Await;
import fishchat.testing.EtcdServer;
import fishchat.testing.FishchatProcess;
import fishchat.testing.PostgresServer;
import fishchat.testing.ProtoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A two-node cluster as separate processes: a real PostgreSQL, a real etcd, one gateway and
 * two access nodes sharing the store. Users on different nodes talk through it; faults
 * (PostgreSQL restarted under load, a LISTEN connection killed, a node killed with -9)
 * lose no acknowledged message and duplicate none. Tests run in order: the last one kills
 * node B.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class ClusterProcessTest {
    private static final String SECRET = "00112233445566778899aabbccddeeff";
    private static final Pattern LISTENING = Pattern.compile("(access|gateway|admin) listening on 127\\.0\\.0\\.1:(\\d+)");

    private Path work;
    private PostgresServer pg;
    private EtcdServer etcd;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private FishchatProcess nodeA;
    private FishchatProcess nodeB;
    private InetSocketAddress gateway;
    private InetSocketAddress accessA;
    private InetSocketAddress accessB;
    private int adminA;
    private HmacTokens tokens;

    @BeforeAll
    void startCluster() throws Exception {
        work = Files.createTempDirectory("fishchat-cluster-");
        pg = PostgresServer.create();
        etcd = EtcdServer.start(work);
        Files.writeString(work.resolve("secret"), SECRET + "\n");
        Files.writeString(work.resolve("pgpass"), PostgresServer.PASSWORD + "\n");
        tokens = new HmacTokens(HexFormat.of().parseHex(SECRET), Clock.systemUTC());
        FishchatProcess gatewayProcess = start("gateway", "--listen", "127.0.0.1:0", "--etcd", etcd.endpoint(),
                "--poll-interval", "1s");
        gateway = address(gatewayProcess.await(LISTENING, 60));
        nodeA = startNode("a", "--admin-listen", "127.0.0.1:0");
        accessA = address(nodeA.await(Pattern.compile("access listening on 127\\.0\\.0\\.1:(\\d+)"), 60));
        adminA = Integer.parseInt(nodeA.await(Pattern.compile("admin listening on 127\\.0\\.0\\.1:(\\d+)"), 30).group(1));
        nodeB = startNode("b");
        accessB = address(nodeB.await(Pattern.compile("access listening on 127\\.0\\.0\\.1:(\\d+)"), 60));
        nodeA.await(Pattern.compile("node a registered"), 30);
        nodeB.await(Pattern.compile("node b registered"), 30);
        Set<InetSocketAddress> handedOut = ConcurrentHashMap.newKeySet();
        Await.until("the gateway hands out both nodes", Duration.ofSeconds(20), () -> {
            try {
                handedOut.add(ChatClient.askGateway(gateway, null));
            } catch (IOException e) {
                return false;
            }
            return handedOut.size() == 2;
        });
    }

    private FishchatProcess startNode(String id, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("access", "--listen", "127.0.0.1:0", "--node-id", id,
                "--data", work.resolve(id).toString(), "--etcd", etcd.endpoint(),
                "--store-url", pg.url(), "--store-password-file", work.resolve("pgpass").toString(),
                "--secret-file", work.resolve("secret").toString()));
        args.addAll(List.of(more));
        return start(args.toArray(String[]::new));
    }

    private FishchatProcess start(String... args) throws IOException {
        FishchatProcess p = FishchatProcess.start(args);
        toClose.add(p);
        return p;
    }

    private static InetSocketAddress address(Matcher listening) {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(listening.group(listening.groupCount())));
    }

    @AfterAll
    void stopCluster() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        if (etcd != null) {
            etcd.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    /** A logged-in client on a given node that collects what it receives. */
    private final class User implements ChatClient.Listener {
        final long uid;
        final List<offsetMsg> received = new CopyOnWriteArrayList<>();
        final ChatClient client;

        User(long uid, InetSocketAddress node) throws IOException {
            this.uid = uid;
            this.client = ChatClient.connect(node, null, this);
            toClose.add(client);
            client.login(uid, tokens.mint(uid, Duration.ofHours(1)), 0);
        }

        @Override
        public void onMessage(offsetMsg message) {
            received.add(message);
        }

        List<String> bodies() {
            return received.stream().map(offsetMsg::getMsg).toList();
        }

        void awaitBodies(int count) {
            Await.until(uid + " received " + count + " messages", Duration.ofSeconds(15), () -> received.size() >= count);
        }
    }

    @Test
    @Order(1)
    void usersOnDifferentNodesTalkOneToOneAndInGroupsBothWays() throws Exception {
        User alice = new User(1, accessA);
        User bob = new User(2, accessB);
        User carol = new User(3, accessA);
        assertEquals(ErrorCode.OK, alice.client.sendP2P(2, "a1", "hello bob"));
        bob.awaitBodies(1);
        assertEquals(ErrorCode.OK, bob.client.sendP2P(1, "b1", "hello alice"));
        alice.awaitBodies(1);
        offsetMsg got = bob.received.get(0);
        assertEquals(1, got.getSourceUID());
        assertEquals(2, got.getTargetUID());
        assertEquals("p2p", got.getMsgType());

        for (User u : List.of(alice, bob, carol)) {
            assertEquals(ErrorCode.OK, u.client.join(77));
        }
        assertEquals(ErrorCode.OK, bob.client.sendGroup(77, "g1", "from node b"));
        alice.awaitBodies(2);
        carol.awaitBodies(1);
        assertEquals(ErrorCode.OK, alice.client.sendGroup(77, "g2", "from node a"));
        bob.awaitBodies(3);
        carol.awaitBodies(2);
        assertEquals(List.of("hello bob", "from node b", "from node a"), bob.bodies());
        assertEquals(List.of("from node b", "from node a"), carol.bodies());
        assertEquals(77, carol.received.get(0).getGroupID());
        assertEquals("group", carol.received.get(0).getMsgType());
    }

    @Test
    @Order(2)
    void oneUserLoggedInOnBothNodesIsNotifiedOnBoth() throws Exception {
        User phone = new User(30, accessA);
        User laptop = new User(30, accessB);
        User sender = new User(31, accessB);
        assertEquals(ErrorCode.OK, sender.client.sendP2P(30, "x1", "to both devices"));
        phone.awaitBodies(1);
        laptop.awaitBodies(1);
        assertEquals(phone.bodies(), laptop.bodies());
    }

    @Test
    @Order(3)
    void concurrentSendersOnTwoNodesGiveTheRecipientAGapFreeSequence() throws Exception {
        User recipient = new User(10, accessB);
        User onA = new User(11, accessA);
        User onB = new User(12, accessB);
        int each = 50;
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (User sender : List.of(onA, onB)) {
                senders.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        assertEquals(ErrorCode.OK, sender.client.sendP2P(10, "c" + i, sender.uid + ":" + i));
                    }
                    return null;
                });
            }
        }
        recipient.awaitBodies(2 * each);
        Thread.sleep(300);
        List<Long> seqs = recipient.received.stream().map(offsetMsg::getSeq).toList();
        assertEquals(2 * each, seqs.size(), "no duplicates");
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "seqs 1..n in order, none skipped");
        }
    }

    @Test
    @Order(4)
    void aResendThroughTheOtherNodeIsNotStoredTwice() throws Exception {
        User recipient = new User(20, accessA);
        User senderOnA = new User(21, accessA);
        User senderOnB = new User(21, accessB);
        assertEquals(ErrorCode.OK, senderOnA.client.sendP2P(20, "same-id", "only once"));
        assertEquals(ErrorCode.OK, senderOnB.client.sendP2P(20, "same-id", "only once"), "answered as the first send");
        assertEquals(ErrorCode.OK, senderOnB.client.sendP2P(20, "next-id", "after"));
        recipient.awaitBodies(2);
        Thread.sleep(300);
        assertEquals(List.of("only once", "after"), recipient.bodies());
    }

    /** A killed LISTEN connection: the node reconnects and re-notifies its sessions, which then sync. */
    @Test
    @Order(5)
    void aKilledListenConnectionIsRestoredAndSessionsAreNotified() throws Exception {
        User sender = new User(41, accessA);
        try (ProtoClient raw = ProtoClient.connect(accessB)) { // no periodic sync: only a notify can wake it
            raw.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(40).setToken(tokens.mint(40, Duration.ofHours(1))).build());
            assertEquals(0, raw.receive(Cmd.LOGIN.code(), ResLogin.parser()).getErrCode());
            long resyncsBefore = countLines(nodeB, "store feed resumed: re-notified");
            pg.superuserExecute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fishchat-listen'");
            assertEquals(ErrorCode.OK, sender.client.sendP2P(40, "during-break", "sent while B was deaf"));
            ResNotify notify = raw.receiveSkipping(Cmd.NOTIFY.code(), ResNotify.parser());
            assertEquals(1, notify.getCurrentID());
            Await.until("node B re-notified its sessions", Duration.ofSeconds(15),
                    () -> countLines(nodeB, "store feed resumed: re-notified") > resyncsBefore);
        }
    }

    /** Nodes talk through PostgreSQL, not etcd: with etcd down, cross-node delivery goes on. */
    @Test
    @Order(6)
    void etcdDownLeavesCrossNodeDeliveryAlone() throws Exception {
        User onA = new User(45, accessA);
        User onB = new User(46, accessB);
        etcd.stop();
        try {
            assertEquals(ErrorCode.OK, onA.client.sendP2P(46, "e1", "while etcd is down"));
            assertEquals(ErrorCode.OK, onB.client.sendP2P(45, "e2", "and back"));
            onB.awaitBodies(1);
            onA.awaitBodies(1);
            InetSocketAddress handed = ChatClient.askGateway(gateway, null);
            assertTrue(handed.equals(accessA) || handed.equals(accessB), "the gateway answers from its last list: " + handed);
        } finally {
            etcd.start();
        }
    }

    /**
     * PostgreSQL stopped and started again while senders on node A send to a user on node B:
     * sends fail (90001) during the outage and are retried with the same msgID; every
     * acknowledged message arrives exactly once. Logins fail clearly meanwhile, and /healthz
     * says 503 with the reason.
     */
    @Test
    @Order(7)
    void postgresRestartedUnderLoadLosesAndDuplicatesNothing() throws Exception {
        User receiver = new User(50, accessB);
        int senders = 4;
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<ErrorCode> failures = new CopyOnWriteArrayList<>();
        for (int s = 0; s < senders; s++) {
            User sender = new User(51 + s, accessA);
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String id = sender.uid + "-" + i;
                    while (true) { // resend with the same msgID until acknowledged: the store dedups
                        try {
                            ErrorCode code = sender.client.sendP2P(50, id, id);
                            if (code == ErrorCode.OK) {
                                acknowledged.put(id, sender.uid);
                                break;
                            }
                            failures.add(code);
                        } catch (IOException e) {
                            failures.add(ErrorCode.SERVER_ERR);
                        }
                        if (stop.get()) {
                            return;
                        }
                        sleep(100);
                    }
                    sleep(20);
                }
            }));
        }
        Await.until("some acknowledged", Duration.ofSeconds(10), () -> acknowledged.size() >= 40);
        pg.stop();
        Thread.sleep(1500);
        HttpResponse<String> health = healthz();
        assertEquals(503, health.statusCode(), health.body());
        assertTrue(health.body().contains("store"), health.body());
        try (ChatClient late = ChatClient.connect(accessA, null, m -> { })) {
            ChatException refused = org.junit.jupiter.api.Assertions.assertThrows(ChatException.class,
                    () -> late.login(59, tokens.mint(59, Duration.ofHours(1)), 0));
            assertEquals(ErrorCode.SERVER_ERR, refused.code());
        }
        int before = acknowledged.size();
        Thread.sleep(2000);
        pg.start();
        Await.until("sends are acknowledged again", Duration.ofSeconds(30), () -> acknowledged.size() > before + 40);
        Await.until("healthy again", Duration.ofSeconds(20), () -> healthz().statusCode() == 200);
        stop.set(true);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(15));
        }
        assertTrue(failures.contains(ErrorCode.SERVER_ERR), "the outage was seen by senders: " + failures.size());

        // What the live receiver holds, and what a fresh login syncs from the store, must match the ledger exactly.
        Await.until("the receiver has everything acknowledged", Duration.ofSeconds(30),
                () -> receiver.received.stream().map(offsetMsg::getMsgID).collect(Collectors.toSet()).containsAll(acknowledged.keySet()));
        User again = new User(50, accessA);
        again.awaitBodies(acknowledged.size());
        Thread.sleep(500);
        Map<String, Long> counts = again.received.stream()
                .collect(Collectors.groupingBy(offsetMsg::getMsgID, Collectors.counting()));
        assertEquals(acknowledged.keySet(), counts.keySet(), "lost or unacknowledged-but-stored messages");
        assertTrue(counts.values().stream().allMatch(c -> c == 1), "duplicates: " + counts);
        System.out.printf("postgres restart under load: %d acknowledged, %d failed attempts, 0 lost, 0 duplicated%n",
                acknowledged.size(), failures.size());
    }

    /** Node B killed with -9 after acknowledging: its user comes back through the gateway on node A and syncs everything. */
    @Test
    @Order(8)
    void aUserOfAKilledNodeReconnectsThroughTheGatewayAndSyncsEverything() throws Exception {
        User stranded = new User(60, accessB);
        User sender = new User(61, accessA);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            assertEquals(ErrorCode.OK, sender.client.sendP2P(60, "k" + i, "before kill " + i));
            sent.add("before kill " + i);
        }
        nodeB.kill();
        Await.until("the client sees its node gone", Duration.ofSeconds(10), stranded.client::isClosed);
        ChatClient back = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        List<offsetMsg> synced = new CopyOnWriteArrayList<>();
        while (back == null && System.nanoTime() < deadline) { // until the gateway stops handing out the dead node
            try {
                back = ChatClient.connect(ChatClient.askGateway(gateway, null), null, synced::add);
            } catch (IOException e) {
                Thread.sleep(500);
            }
        }
        assertTrue(back != null, "reconnected through the gateway");
        toClose.add(back);
        assertNotEquals(accessB, back.accessAddress());
        back.login(60, tokens.mint(60, Duration.ofHours(1)), 0);
        Await.until("synced all 20", Duration.ofSeconds(15), () -> synced.size() >= 20);
        assertEquals(sent, synced.stream().map(offsetMsg::getMsg).toList());
    }

    private static long countLines(FishchatProcess process, String text) {
        return process.output().lines().filter(line -> line.contains(text)).count();
    }

    private HttpResponse<String> healthz() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminA + "/healthz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
