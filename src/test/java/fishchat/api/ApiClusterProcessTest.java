package fishchat.api;

import com.fasterxml.jackson.databind.JsonNode;
import fishchat.client.ChatClient;
import fishchat.client.ChatException;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ReqPresence;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResPresence;
import fishchat.protocol.external.ResPresenceChange;
import fishchat.protocol.external.UserPresence;
import fishchat.protocol.external.offsetMsg;
import fishchat.testing.Await;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server API on a two-node cluster: two access processes sharing a real PostgreSQL, each with
 * the API and the same webhook receiver. A revocation made through one node ends sessions on the
 * other; presence adds up both nodes and reaches watching sessions on either; webhooks of both
 * nodes' events arrive once and in order per uid; a node killed with -9 has its users offline
 * within its etcd TTL (10 s). Tests run in order: the last one kills node B.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class ApiClusterProcessTest {
    private static final String SECRET = "00112233445566778899aabbccddeeff";
    private static final String API_KEY = "0123456789abcdef0123456789abcdef-cluster-test-key";
    private static final String WEBHOOK_SECRET = "fedcba9876543210fedcba9876543210-webhook";
    /** etcd's TTL for an access node's key (NodeRegistration.TTL): a dead node's users must be offline within it. */
    private static final Duration TTL = Duration.ofSeconds(10);

    private Path work;
    private PostgresServer pg;
    private WebhookReceiver receiver;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Node a;
    private Node b;

    private record Node(FishchatProcess process, InetSocketAddress access, ApiClient api) {
    }

    @BeforeAll
    void startCluster() throws Exception {
        work = Files.createTempDirectory("fishchat-api-cluster-");
        pg = PostgresServer.create();
        Files.writeString(work.resolve("secret"), SECRET + "\n");
        Files.writeString(work.resolve("pgpass"), PostgresServer.PASSWORD + "\n");
        Files.writeString(work.resolve("api-key"), API_KEY + "\n");
        Files.writeString(work.resolve("webhook-secret"), WEBHOOK_SECRET + "\n");
        receiver = new WebhookReceiver();
        receiver.up(WEBHOOK_SECRET, 0);
        a = startNode("a");
        b = startNode("b");
    }

    private Node startNode(String id) throws Exception {
        FishchatProcess process = FishchatProcess.start("access", "--listen", "127.0.0.1:0", "--node-id", id,
                "--data", work.resolve(id).toString(), "--store-url", pg.url(),
                "--store-password-file", work.resolve("pgpass").toString(), "--secret-file", work.resolve("secret").toString(),
                "--api-listen", "127.0.0.1:0", "--api-key-file", work.resolve("api-key").toString(),
                "--webhook-url", receiver.url(), "--webhook-secret-file", work.resolve("webhook-secret").toString());
        toClose.add(process);
        int access = Integer.parseInt(process.await(Pattern.compile("access listening on 127\\.0\\.0\\.1:(\\d+)"), 60).group(1));
        int api = Integer.parseInt(process.await(Pattern.compile("api listening on 127\\.0\\.0\\.1:(\\d+)"), 30).group(1));
        return new Node(process, new InetSocketAddress("127.0.0.1", access), new ApiClient(new InetSocketAddress("127.0.0.1", api), API_KEY));
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
        if (receiver != null) {
            receiver.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private String token(Node node, long uid) throws Exception {
        return node.api().postJson("/v1/tokens", Map.of("uid", uid)).json().get("token").asText();
    }

    /** A TCP client on {@code node}, logged in with own copies, collecting messages and how it ended. */
    private final class User implements ChatClient.Listener {
        final List<offsetMsg> received = new CopyOnWriteArrayList<>();
        final List<IOException> endings = new CopyOnWriteArrayList<>();
        final ChatClient client;

        User(Node node, long uid, String token) throws IOException {
            client = ChatClient.connect(node.access(), null, this);
            toClose.add(client);
            client.login(uid, token, 0, true);
        }

        @Override
        public void onMessage(offsetMsg message) {
            received.add(message);
        }

        @Override
        public void onClosed(IOException cause) {
            endings.add(cause);
        }
    }

    private JsonNode presence(Node node, long uid) {
        try {
            return node.api().get("/v1/users/" + uid + "/presence").json();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(1)
    void aRevocationThroughOneNodeEndsSessionsOnTheOther() throws Exception {
        String old = token(a, 11);
        User onB = new User(b, 11, old);
        User bystander = new User(b, 21, token(b, 21));
        Thread.sleep(5);
        assertEquals(200, a.api().post("/v1/users/11/revoke", null).status());
        Await.until("node B ended 11's session", Duration.ofSeconds(5), () -> !onB.endings.isEmpty());
        assertTrue(onB.endings.get(0) instanceof ChatException kicked && kicked.code() == ErrorCode.TOKEN_REVOKED,
                String.valueOf(onB.endings.get(0)));
        ChatException refused = assertThrows(ChatException.class, () -> new User(b, 11, old));
        assertEquals(ErrorCode.TOKEN_REVOKED, refused.code());
        new User(a, 11, token(b, 11)); // minted through B after the revocation: works on A
        assertTrue(bystander.endings.isEmpty());
    }

    @Test
    @Order(2)
    void presenceAddsUpBothNodesAndReachesWatchersOnEither() throws Exception {
        ProtoClient watcher = ProtoClient.connect(a.access());
        toClose.add(watcher);
        watcher.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(30).setToken(token(a, 30)).build());
        assertEquals(0, watcher.receive(Cmd.LOGIN.code(), ResLogin.parser()).getErrCode());
        watcher.send(ReqPresence.newBuilder().setCmd(Cmd.PRESENCE.code()).addUIDs(12).build());
        assertTrue(watcher.receiveSkipping(Cmd.PRESENCE.code(), ResPresence.parser()).getUsersList().stream()
                .noneMatch(UserPresence::getOnline));

        new User(b, 12, token(b, 12));
        UserPresence pushed = watcher.receiveSkipping(Cmd.PRESENCE_CHANGE.code(), ResPresenceChange.parser()).getUsers(0);
        assertEquals(List.of(12L, true, 1), List.of(pushed.getUID(), pushed.getOnline(), pushed.getDevices()),
                "a watcher on A hears of a login on B");
        Await.until("A's API sees 12 online", Duration.ofSeconds(5), () -> presence(a, 12).get("devices").asInt() == 1);
        new User(a, 12, token(a, 12));
        Await.until("12 on two nodes", Duration.ofSeconds(5), () -> presence(b, 12).get("devices").asInt() == 2);
        assertEquals(presence(a, 12), presence(b, 12), "both nodes give the same answer");
    }

    @Test
    @Order(3)
    void webhookEventsOfBothNodesArriveOnceAndInOrderPerUser() throws Exception {
        new User(b, 14, token(b, 14)); // only on B: offline once B dies (test 4)
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Node through = i % 2 == 0 ? a : b;
            ApiClient.Answer answer = through.api().postJson("/v1/messages", Map.of("to", 40, "msgId", "w" + i,
                    "text", "through node " + (i % 2 == 0 ? "a" : "b") + " " + i));
            assertEquals(200, answer.status());
            sent.add("message.stored 40 " + answer.json().get("seqs").get(0).get("seq").asLong());
        }
        Await.until("every message.stored for 40 arrived", Duration.ofSeconds(30),
                () -> new HashSet<>(receiver.summaries()).containsAll(sent));
        Await.until("user.online of 12 and 14 arrived", Duration.ofSeconds(30),
                () -> receiver.summaries().containsAll(List.of("user.online 12", "user.online 14")));
        assertOnceAndInOrderPerUser();
    }

    @Test
    @Order(4)
    void aNodeKilledWithMinus9HasItsUsersOfflineWithinItsTtl() throws Exception {
        assertTrue(presence(a, 14).get("online").asBoolean());
        long killed = System.nanoTime();
        b.process().kill();
        Await.until("14 (only on B) offline", Duration.ofSeconds(30), () -> !presence(a, 14).get("online").asBoolean());
        long took = (System.nanoTime() - killed) / 1_000_000;
        // By design 7 s of lease + 2 s between sweeps = 9 s, under the TTL; the sweep's own
        // transaction and this poll come on top, and take seconds only on a machine under load.
        assertTrue(took <= TTL.plusSeconds(3).toMillis(), "offline after " + took + " ms");
        assertEquals(1, presence(a, 12).get("devices").asInt(), "12 keeps its session on A");
        Await.until("user.offline 14 delivered by A", Duration.ofSeconds(30),
                () -> receiver.summaries().contains("user.offline 14"));
        assertOnceAndInOrderPerUser();
        assertEquals(0, receiver.badSignatures.get());
    }

    private void assertOnceAndInOrderPerUser() {
        Map<Long, Long> lastId = new HashMap<>();
        Set<Long> ids = new HashSet<>();
        for (JsonNode e : receiver.events) {
            long id = e.get("id").asLong();
            long uid = e.get("uid").asLong();
            assertTrue(ids.add(id), "event " + id + " twice");
            assertTrue(id > lastId.getOrDefault(uid, 0L), "uid " + uid + ": event " + id + " after " + lastId.get(uid));
            lastId.put(uid, id);
        }
    }
}
