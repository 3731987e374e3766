package fishchat.cluster;

import fishchat.client.ChatClient;
import fishchat.client.ChatException;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.protocol.external.ReqSyncMsg;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResNotify;
import fishchat.protocol.external.offsetMsg;
import fishchat.testing.Await;
import fishchat.testing.EtcdServer;
import fishchat.testing.FishchatProcess;
import fishchat.testing.PostgresServer;
import fishchat.testing.ProtoClient;
import fishchat.testing.TwoNodeCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A two-node cluster as separate processes: a real PostgreSQL, a real etcd, one gateway and
 * two access nodes sharing the store. Users on different nodes talk through it; faults
 * (PostgreSQL restarted under load, a LISTEN connection killed, etcd down, a node killed with
 * -9) lose no acknowledged message and duplicate none. Each test has a cluster of its own (its
 * own database and etcd prefix on servers shared by the class), so any of them runs alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ClusterProcessTest {
    private Path work;
    private PostgresServer pg;
    private EtcdServer etcd;
    private TwoNodeCluster cluster;

    @BeforeAll
    void startServers() throws Exception {
        work = Files.createTempDirectory("fishchat-cluster-servers-");
        pg = PostgresServer.create();
        etcd = EtcdServer.start(work);
    }

    @AfterAll
    void stopServers() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void startCluster() throws Exception {
        cluster = TwoNodeCluster.start(pg, etcd);
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A logged-in client on a given node that collects what it receives. */
    private final class User implements ChatClient.Listener {
        final long uid;
        final List<offsetMsg> received = new CopyOnWriteArrayList<>();
        final ChatClient client;

        User(long uid, InetSocketAddress node) throws IOException {
            this.uid = uid;
            this.client = cluster.closing(ChatClient.connect(node, null, this));
            client.login(uid, cluster.token(uid), 0);
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

    /** A user's whole inbox as the store holds it, read through {@code node} by syncing from 0 until nothing is left. */
    private List<offsetMsg> inbox(long uid, InetSocketAddress node) throws IOException {
        try (ProtoClient raw = ProtoClient.connect(node)) {
            raw.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(uid).setToken(cluster.token(uid)).build());
            assertEquals(0, raw.receive(Cmd.LOGIN.code(), ResLogin.parser()).getErrCode());
            List<offsetMsg> all = new ArrayList<>();
            long from = 0;
            while (true) {
                raw.send(ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).setCurrentID(from).build());
                ResSyncMsg page = raw.receiveSkipping(Cmd.SYNC_MSG.code(), ResSyncMsg.parser());
                all.addAll(page.getMsgsList());
                from = page.getCurrentID();
                if (!page.getMore()) {
                    return all;
                }
            }
        }
    }

    @Test
    void usersOnDifferentNodesTalkOneToOneAndInGroupsBothWays() throws Exception {
        User alice = new User(1, cluster.accessA());
        User bob = new User(2, cluster.accessB());
        User carol = new User(3, cluster.accessA());
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
    void oneUserLoggedInOnBothNodesIsNotifiedOnBoth() throws Exception {
        User phone = new User(30, cluster.accessA());
        User laptop = new User(30, cluster.accessB());
        User sender = new User(31, cluster.accessB());
        assertEquals(ErrorCode.OK, sender.client.sendP2P(30, "x1", "to both devices"));
        phone.awaitBodies(1);
        laptop.awaitBodies(1);
        assertEquals(phone.bodies(), laptop.bodies());
    }

    @Test
    void concurrentSendersOnTwoNodesGiveTheRecipientAGapFreeSequence() throws Exception {
        User onA = new User(11, cluster.accessA());
        User onB = new User(12, cluster.accessB());
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
        List<Long> seqs = inbox(10, cluster.accessB()).stream().map(offsetMsg::getSeq).toList();
        assertEquals(2 * each, seqs.size(), "every send once, no duplicate");
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "seqs 1..n in order, none skipped");
        }
    }

    @Test
    void aResendThroughTheOtherNodeIsNotStoredTwice() throws Exception {
        User senderOnA = new User(21, cluster.accessA());
        User senderOnB = new User(21, cluster.accessB());
        assertEquals(ErrorCode.OK, senderOnA.client.sendP2P(20, "same-id", "only once"));
        assertEquals(ErrorCode.OK, senderOnB.client.sendP2P(20, "same-id", "only once"), "answered as the first send");
        assertEquals(ErrorCode.OK, senderOnB.client.sendP2P(20, "next-id", "after"));
        assertEquals(List.of("only once", "after"), inbox(20, cluster.accessA()).stream().map(offsetMsg::getMsg).toList());
    }

    /** A killed LISTEN connection: the node reconnects and re-notifies its sessions, which then sync. */
    @Test
    void aKilledListenConnectionIsRestoredAndSessionsAreNotified() throws Exception {
        User sender = new User(41, cluster.accessA());
        try (ProtoClient raw = ProtoClient.connect(cluster.accessB())) { // no periodic sync: only a notify can wake it
            raw.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(40).setToken(cluster.token(40)).build());
            assertEquals(0, raw.receive(Cmd.LOGIN.code(), ResLogin.parser()).getErrCode());
            long resyncsBefore = countLines(cluster.nodeB(), "store feed resumed: re-notified");
            pg.superuserExecute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fishchat-listen'");
            assertEquals(ErrorCode.OK, sender.client.sendP2P(40, "during-break", "sent while B was deaf"));
            ResNotify notify = raw.receiveSkipping(Cmd.NOTIFY.code(), ResNotify.parser());
            assertEquals(1, notify.getCurrentID());
            Await.until("node B re-notified its sessions", Duration.ofSeconds(15),
                    () -> countLines(cluster.nodeB(), "store feed resumed: re-notified") > resyncsBefore);
        }
    }

    /** Nodes talk through PostgreSQL, not etcd: with etcd down, cross-node delivery goes on. */
    @Test
    void etcdDownLeavesCrossNodeDeliveryAlone() throws Exception {
        User onA = new User(45, cluster.accessA());
        User onB = new User(46, cluster.accessB());
        etcd.stop();
        try {
            assertEquals(ErrorCode.OK, onA.client.sendP2P(46, "e1", "while etcd is down"));
            assertEquals(ErrorCode.OK, onB.client.sendP2P(45, "e2", "and back"));
            onB.awaitBodies(1);
            onA.awaitBodies(1);
            InetSocketAddress handed = ChatClient.askGateway(cluster.gateway(), null);
            assertTrue(handed.equals(cluster.accessA()) || handed.equals(cluster.accessB()),
                    "the gateway answers from its last list: " + handed);
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
    void postgresRestartedUnderLoadLosesAndDuplicatesNothing() throws Exception {
        User receiver = new User(50, cluster.accessB());
        int senders = 4;
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<ErrorCode> failures = new CopyOnWriteArrayList<>();
        for (int s = 0; s < senders; s++) {
            User sender = new User(51 + s, cluster.accessA());
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
                        pause(100);
                    }
                    pause(20);
                }
            }));
        }
        Await.until("some acknowledged", Duration.ofSeconds(10), () -> acknowledged.size() >= 40);
        pg.stop();
        Await.until("/healthz says the store is down", Duration.ofSeconds(10), () -> {
            HttpResponse<String> health = healthz();
            return health.statusCode() == 503 && health.body().contains("store");
        });
        try (ChatClient late = ChatClient.connect(cluster.accessA(), null, m -> { })) {
            ChatException refused = org.junit.jupiter.api.Assertions.assertThrows(ChatException.class,
                    () -> late.login(59, cluster.token(59), 0));
            assertEquals(ErrorCode.SERVER_ERR, refused.code());
        }
        Await.until("senders saw the outage", Duration.ofSeconds(10), () -> failures.contains(ErrorCode.SERVER_ERR));
        int before = acknowledged.size();
        pg.start();
        Await.until("sends are acknowledged again", Duration.ofSeconds(30), () -> acknowledged.size() > before + 40);
        Await.until("healthy again", Duration.ofSeconds(20), () -> healthz().statusCode() == 200);
        stop.set(true);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(15));
        }

        // What the live receiver holds, and what the store holds, must match the ledger exactly.
        Await.until("the receiver has everything acknowledged", Duration.ofSeconds(30),
                () -> receiver.received.stream().map(offsetMsg::getMsgID).collect(Collectors.toSet()).containsAll(acknowledged.keySet()));
        Map<String, Long> counts = inbox(50, cluster.accessA()).stream()
                .collect(Collectors.groupingBy(offsetMsg::getMsgID, Collectors.counting()));
        assertEquals(acknowledged.keySet(), counts.keySet(), "lost or unacknowledged-but-stored messages");
        assertTrue(counts.values().stream().allMatch(c -> c == 1), "duplicates: " + counts);
        System.out.printf("postgres restart under load: %d acknowledged, %d failed attempts, 0 lost, 0 duplicated%n",
                acknowledged.size(), failures.size());
    }

    /** Node B killed with -9 after acknowledging: its user comes back through the gateway on node A and syncs everything. */
    @Test
    void aUserOfAKilledNodeReconnectsThroughTheGatewayAndSyncsEverything() throws Exception {
        User stranded = new User(60, cluster.accessB());
        User sender = new User(61, cluster.accessA());
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            assertEquals(ErrorCode.OK, sender.client.sendP2P(60, "k" + i, "before kill " + i));
            sent.add("before kill " + i);
        }
        cluster.nodeB().kill();
        Await.until("the client sees its node gone", Duration.ofSeconds(10), stranded.client::isClosed);
        ChatClient back = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        List<offsetMsg> synced = new CopyOnWriteArrayList<>();
        while (back == null && System.nanoTime() < deadline) { // until the gateway stops handing out the dead node
            try {
                back = ChatClient.connect(ChatClient.askGateway(cluster.gateway(), null), null, synced::add);
            } catch (IOException e) {
                pause(500);
            }
        }
        assertTrue(back != null, "reconnected through the gateway");
        cluster.closing(back);
        assertNotEquals(cluster.accessB(), back.accessAddress());
        back.login(60, cluster.token(60), 0);
        Await.until("synced all 20", Duration.ofSeconds(15), () -> synced.size() >= 20);
        assertEquals(sent, synced.stream().map(offsetMsg::getMsg).toList());
    }

    private static long countLines(FishchatProcess process, String text) {
        return process.output().lines().filter(line -> line.contains(text)).count();
    }

    /**
     * One client for every /healthz poll: a new one per poll (every 5 ms) would leave its idle
     * connection open until collected, and the admin port's cap per address would then answer
     * 503 to the polls themselves.
     */
    private static final HttpClient HEALTH = HttpClient.newHttpClient();

    private HttpResponse<String> healthz() {
        try {
            return HEALTH.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + cluster.adminPortOfA() + "/healthz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
