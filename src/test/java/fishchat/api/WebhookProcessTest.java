package fishchat.api;

import com.fasterxml.jackson.databind.JsonNode;
import fishchat.client.ChatClient;
import fishchat.testing.Await;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks of a real {@code fishchat standalone} process to a receiver the test starts: events
 * made while the receiver is down all arrive once it is up (through refusals and backoff), each
 * once, in order per uid, signed; and events still waiting when the node is killed with -9 arrive
 * after it restarts, with the user.offline of whoever was online when it died.
 */
@Timeout(180)
class WebhookProcessTest {
    private static final Pattern READY = Pattern.compile("fishchat standalone: gateway (\\S+):(\\d+), access (\\S+):(\\d+),");
    private static final Pattern API = Pattern.compile("api listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path data;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    /** A running node: its access address and its API. */
    private record Node(FishchatProcess process, InetSocketAddress access, ApiClient api) {
    }

    private Node start(WebhookReceiver receiver) throws Exception {
        FishchatProcess process = FishchatProcess.start("standalone", "--data", data.toString(), "--no-web",
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0",
                "--webhook-url", receiver.url());
        toClose.add(process);
        Matcher ready = process.await(READY, 60);
        InetSocketAddress access = new InetSocketAddress("127.0.0.1", Integer.parseInt(ready.group(4)));
        ApiClient api = new ApiClient(new InetSocketAddress("127.0.0.1", Integer.parseInt(process.await(API, 10).group(1))),
                Files.readString(data.resolve("api-key")).strip());
        return new Node(process, access, api);
    }

    private ChatClient login(Node node, long uid) throws Exception {
        ChatClient client = ChatClient.connect(node.access(), null, m -> { });
        toClose.add(client);
        String token = node.api().postJson("/v1/tokens", Map.of("uid", uid)).json().get("token").asText();
        client.login(uid, token, 0, true);
        return client;
    }

    /** Sends through the API; returns the message.stored summaries it should cause (every inbox but the sender's). */
    private static List<String> send(Node node, Map<String, Object> message) throws Exception {
        ApiClient.Answer sent = node.api().postJson("/v1/messages", message);
        assertEquals(200, sent.status(), sent.raw().body());
        long from = ((Number) message.getOrDefault("from", 0L)).longValue();
        List<String> expected = new ArrayList<>();
        for (JsonNode s : sent.json().get("seqs")) {
            if (s.get("uid").asLong() != from) {
                expected.add("message.stored " + s.get("uid").asLong() + " " + s.get("seq").asLong());
            }
        }
        return expected;
    }

    private String secret() throws Exception {
        Path file = data.resolve("webhook-secret");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        return Files.readString(file).strip();
    }

    @Test
    void eventsMadeWhileTheReceiverIsDownAllArriveOnceInOrderPerUserAndSigned() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver();
        toClose.add(receiver);
        Node node = start(receiver);
        List<String> expected = new ArrayList<>();
        login(node, 1);
        ChatClient bob = login(node, 2);
        expected.add("user.online 1");
        expected.add("user.online 2");
        Await.until("both online", Duration.ofSeconds(5), () -> online(node, 1) && online(node, 2));
        node.api().call("PUT", "/v1/groups/9/members/1", null);
        node.api().call("PUT", "/v1/groups/9/members/3", null);
        for (int i = 0; i < 30; i++) {
            expected.addAll(send(node, Map.of("to", 1, "msgId", "a" + i, "text", "to the online user " + i)));
            expected.addAll(send(node, Map.of("from", 2L, "to", 3, "msgId", "c" + i, "text", "to the offline user " + i)));
            if (i % 10 == 0) {
                expected.addAll(send(node, Map.of("groupId", 9, "msgId", "g" + i, "text", "to the group " + i)));
            }
        }
        bob.close();
        expected.add("user.offline 2");
        Thread.sleep(3_000); // delivery meanwhile: refused connections, backoff

        receiver.up(secret(), 2);
        Await.until("every event arrived", Duration.ofSeconds(90), () -> new HashSet<>(receiver.summaries()).containsAll(expected));
        Thread.sleep(500);
        assertEquals(0, receiver.badSignatures.get(), "every batch is signed with the secret");
        assertEquals(2, receiver.refused.get(), "the refused batches were sent again");
        assertEquals(expected.size(), receiver.events.size(), "each event once: " + receiver.summaries());
        assertInOrderPerUser(receiver.events);
        for (JsonNode e : receiver.events) {
            if (e.get("type").asText().equals("message.stored")) {
                assertEquals(e.get("uid").asLong() == 1, e.get("online").asBoolean(), "online as it was: " + e);
                long from = e.get("groupId").asLong() == 0 && e.get("uid").asLong() == 3 ? 2 : 0;
                assertEquals(from, e.get("from").asLong(), "sent by 2, or by the system: " + e);
            }
        }
    }

    private static boolean online(Node node, long uid) {
        try {
            return node.api().get("/v1/users/" + uid + "/presence").json().get("online").asBoolean();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Per uid: ids rise in the order events arrived, and so do the seqs of its message.stored events. */
    private static void assertInOrderPerUser(List<JsonNode> events) {
        Map<Long, Long> lastId = new HashMap<>();
        Map<Long, Long> lastSeq = new HashMap<>();
        Set<Long> ids = new HashSet<>();
        for (JsonNode e : events) {
            long uid = e.get("uid").asLong();
            long id = e.get("id").asLong();
            assertTrue(ids.add(id), "event " + id + " twice");
            assertTrue(id > lastId.getOrDefault(uid, 0L), "uid " + uid + ": event " + id + " after " + lastId.get(uid));
            lastId.put(uid, id);
            if (e.get("type").asText().equals("message.stored")) {
                long seq = e.get("seq").asLong();
                assertTrue(seq > lastSeq.getOrDefault(uid, 0L), "uid " + uid + ": seq " + seq + " after " + lastSeq.get(uid));
                lastSeq.put(uid, seq);
            }
        }
    }

    @Test
    void eventsWaitingWhenTheNodeIsKilledArriveAfterItRestarts() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver();
        toClose.add(receiver);
        Node first = start(receiver);
        String secret = secret();
        List<String> expected = new ArrayList<>();
        login(first, 4);
        expected.add("user.online 4");
        Await.until("4 online", Duration.ofSeconds(5), () -> online(first, 4));
        for (int i = 0; i < 20; i++) {
            expected.addAll(send(first, new LinkedHashMap<>(Map.of("to", 5, "msgId", "k" + i, "text", "pending " + i))));
        }
        first.process().kill(); // -9: nothing delivered, 4 still online in the store
        expected.add("user.offline 4"); // by the next run's sweep, once the killed run's lease ran out

        receiver.up(secret, 0);
        Node second = start(receiver);
        Await.until("every event arrived after the restart", Duration.ofSeconds(60),
                () -> new HashSet<>(receiver.summaries()).containsAll(expected));
        assertEquals(expected.size(), new HashSet<>(receiver.summaries()).size(), "nothing else: " + receiver.summaries());
        assertInOrderPerUser(receiver.events);
        assertFalse(online(second, 4), "the killed node's user is offline");
        assertEquals(0, receiver.badSignatures.get());
        assertEquals(0, second.process().terminate(30));
    }
}
