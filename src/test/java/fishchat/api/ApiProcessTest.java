package fishchat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fishchat.client.ChatClient;
import fishchat.client.ChatException;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;
import fishchat.testing.Await;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server API of a real {@code fishchat standalone} process, over real sockets: every endpoint
 * with a good key, no key and a wrong key, and what an attacker or a careless backend sends (bad
 * JSON, unknown fields, ids that are not ids, oversize text, a duplicate msgId, an oversize body);
 * its effects seen by real TCP clients (notices, own copies, kicks on revocation, presence); and
 * the OpenAPI document held to the routes the server really serves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ApiProcessTest {
    private static final Pattern READY = Pattern.compile("fishchat standalone: gateway (\\S+):(\\d+), access (\\S+):(\\d+),");
    private static final Pattern API = Pattern.compile("api listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Uids of this class's tests apart from each other: the server is shared. */
    private static final AtomicLong NEXT_UID = new AtomicLong(1000);

    private Path data;
    private FishchatProcess process;
    private InetSocketAddress access;
    private ApiClient api;
    private String key;
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startServer() throws Exception {
        data = Files.createTempDirectory("fishchat-api-");
        process = FishchatProcess.start("standalone", "--data", data.toString(), "--no-web",
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0",
                "--max-message", "1000");
        Matcher ready = process.await(READY, 60);
        access = new InetSocketAddress("127.0.0.1", Integer.parseInt(ready.group(4)));
        int apiPort = Integer.parseInt(process.await(API, 10).group(1));
        key = Files.readString(data.resolve("api-key")).strip();
        api = new ApiClient(new InetSocketAddress("127.0.0.1", apiPort), key);
    }

    @AfterAll
    void stopServer() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (process != null) {
            assertEquals(0, process.terminate(30), "an orderly stop");
            assertFalse(process.output().contains(key), "the API key never reaches the log");
            process.close();
        }
        if (data != null) {
            try (var files = Files.walk(data)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private static long uid() {
        return NEXT_UID.incrementAndGet();
    }

    /** A TCP client logged in with a token from the API, collecting what it receives. */
    private final class User implements ChatClient.Listener {
        final long uid;
        final List<offsetMsg> received = new CopyOnWriteArrayList<>();
        final List<IOException> endings = new CopyOnWriteArrayList<>();
        final ChatClient client;

        User(long uid, boolean ownCopies) throws Exception {
            this(uid, token(uid), ownCopies);
        }

        User(long uid, String token, boolean ownCopies) throws IOException {
            this.uid = uid;
            this.client = ChatClient.connect(access, null, this);
            clients.add(client);
            client.login(uid, token, 0, ownCopies);
        }

        @Override
        public void onMessage(offsetMsg message) {
            received.add(message);
        }

        @Override
        public void onClosed(IOException cause) {
            endings.add(cause);
        }

        offsetMsg await(String text) {
            Await.until(uid + " receives \"" + text + "\"", Duration.ofSeconds(10),
                    () -> received.stream().anyMatch(m -> m.getMsg().equals(text)));
            return received.stream().filter(m -> m.getMsg().equals(text)).findFirst().orElseThrow();
        }
    }

    private String token(long uid) throws Exception {
        ApiClient.Answer minted = api.postJson("/v1/tokens", Map.of("uid", uid, "ttl", 3600));
        assertEquals(200, minted.status(), String.valueOf(minted.json()));
        return minted.json().get("token").asText();
    }

    // ---- the key ----

    @Test
    void everyRouteWantsTheKeyAnsweringInJson() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("api-key"))));
        assertEquals(64, key.length(), "32 random bytes as hex");
        for (ApiServer.Endpoint route : ApiServer.ROUTES) {
            String path = route.path().replace("{uid}", "5").replace("{id}", "7");
            String body = route.method().equals("POST") ? "{}" : null;
            ApiClient.Answer none = api.withKey(null).call(route.method(), path, body);
            assertEquals(401, none.status(), route + " without a key");
            assertEquals("Bearer", none.raw().headers().firstValue("WWW-Authenticate").orElse(null));
            assertNotNull(none.error(), route + ": a JSON error");
            assertEquals(403, api.withKey("f".repeat(64)).call(route.method(), path, body).status(), route + " with a wrong key");
            assertEquals(403, api.withKey(key.substring(0, 63)).call(route.method(), path, body).status(), "a prefix of the key");
            assertEquals(403, api.withKey(key + "0").call(route.method(), path, body).status(), "the key and more");
        }
        ApiClient.Answer basic = api.withKey(null).call("GET", "/v1/users/5/presence", null);
        assertEquals(401, basic.status());
        assertEquals(404, api.get("/v1/nothing-here").status());
        assertEquals("not found", api.get("/v1/nothing-here").error());
        ApiClient.Answer wrongMethod = api.call("DELETE", "/v1/tokens", null);
        assertEquals(405, wrongMethod.status());
        assertEquals("POST", wrongMethod.raw().headers().firstValue("Allow").orElse(null));
        assertNotNull(wrongMethod.error());
    }

    @Test
    void requestsTheHttpLayerRefusesAreJsonErrorsToo() throws Exception {
        String huge = "{\"msgId\": \"big\", \"to\": 5, \"text\": \"" + "x".repeat(ApiServer.maxBodyFor(1000) + 1) + "\"}";
        ApiClient.Answer tooBig = api.post("/v1/messages", huge);
        assertEquals(413, tooBig.status());
        assertNotNull(tooBig.error());
        String chunked = raw("POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertTrue(chunked.startsWith("HTTP/1.1 501"), chunked);
        assertTrue(chunked.contains("{\"error\":"), chunked);
        String garbage = raw("HELLO\r\n\r\n");
        assertTrue(garbage.startsWith("HTTP/1.1 400") && garbage.contains("{\"error\":"), garbage);
        // Without the key, no body is waited for nor held: the refusal comes before it is sent.
        String noKey = raw("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n");
        assertTrue(noKey.startsWith("HTTP/1.1 401") && noKey.contains("{\"error\":"), noKey);
        String wrongKey = raw("POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + "f".repeat(64)
                + "\r\nContent-Length: 60000\r\n\r\n");
        assertTrue(wrongKey.startsWith("HTTP/1.1 403"), wrongKey);
    }

    /** Sends raw bytes, returns what came back until the server closed. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket(api.host(), api.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ---- tokens ----

    @Test
    void tokensLogInTheirUidOnlyUntilTheyExpire() throws Exception {
        long uid = uid();
        ApiClient.Answer minted = api.postJson("/v1/tokens", Map.of("uid", uid, "ttl", 60));
        assertEquals(200, minted.status());
        long expiresAt = minted.json().get("expiresAt").asLong();
        assertTrue(Math.abs(expiresAt - System.currentTimeMillis() - 60_000) < 5_000, "expires in a minute: " + expiresAt);
        String token = minted.json().get("token").asText();
        new User(uid, token, true);
        ChatException foreign = assertThrows(ChatException.class, () -> new User(uid + 1, token, true));
        assertEquals(ErrorCode.BAD_TOKEN, foreign.code());
        assertEquals(86_400_000, api.postJson("/v1/tokens", Map.of("uid", uid)).json().get("expiresAt").asLong()
                - System.currentTimeMillis(), 5_000, "a day by default");

        for (String bad : List.of("", "nonsense", "[1, 2]", "{\"uid\": 0}", "{\"uid\": -1}", "{\"uid\": \"5\"}",
                "{\"uid\": 5.5}", "{\"uid\": 99999999999999999999}", "{\"uid\": 5, \"ttl\": 0}",
                "{\"uid\": 5, \"ttl\": 999999999}", "{\"uid\": 5, \"uid\": 6}", "{\"uid\": 5, \"ttL\": 60}", "{\"ttl\": 60}",
                "{\"uid\": 5} trailing")) {
            ApiClient.Answer refused = api.post("/v1/tokens", bad);
            assertEquals(400, refused.status(), bad + " -> " + refused.raw().body());
            assertNotNull(refused.error(), bad);
        }
        // The errors say the real range, and in the API's words, not the JSON library's.
        assertEquals("\"ttl\" must be a whole number from 1 to 31622400", api.post("/v1/tokens", "{\"uid\": 5, \"ttl\": 0}").error());
        assertEquals("the body has more after its JSON object", api.post("/v1/tokens", "{\"uid\": 5} {}").error());
    }

    // ---- messages ----

    @Test
    void aSystemNoticeReachesItsUserAsSourceUidZeroOnce() throws Exception {
        User bob = new User(uid(), false);
        String text = "Ваш заказ отправлен 📦 — שלום <b>not markup</b>";
        Map<String, Object> notice = Map.of("to", bob.uid, "msgId", "order-1", "text", text);
        ApiClient.Answer sent = api.postJson("/v1/messages", notice);
        assertEquals(200, sent.status(), sent.raw().body());
        assertTrue(sent.json().get("stored").asBoolean());
        assertFalse(sent.json().get("duplicate").asBoolean());
        assertEquals(1, sent.json().get("seqs").size(), "the system keeps no copy");
        assertEquals(bob.uid, sent.json().get("seqs").get(0).get("uid").asLong());
        offsetMsg got = bob.await(text);
        assertEquals(0, got.getSourceUID());
        assertEquals(sent.json().get("seqs").get(0).get("seq").asLong(), got.getSeq());

        ApiClient.Answer again = api.postJson("/v1/messages", notice);
        assertEquals(200, again.status());
        assertTrue(again.json().get("duplicate").asBoolean(), "a retry with the same msgId");
        assertFalse(again.json().get("stored").asBoolean());
        Thread.sleep(300);
        assertEquals(1, bob.received.stream().filter(m -> m.getMsg().equals(text)).count(), "stored and delivered once");
    }

    @Test
    void aMessageFromAUserReachesTheRecipientAndTheSendersOtherDevices() throws Exception {
        User alice = new User(uid(), true);
        User aliceLegacy = new User(alice.uid, false);
        User bob = new User(uid(), true);
        ApiClient.Answer sent = api.postJson("/v1/messages", Map.of("from", alice.uid, "to", bob.uid, "msgId", "m1",
                "text", "sent by the backend for alice"));
        assertEquals(200, sent.status());
        assertEquals(2, sent.json().get("seqs").size(), "bob's inbox and alice's own copy");
        offsetMsg atBob = bob.await("sent by the backend for alice");
        assertEquals(alice.uid, atBob.getSourceUID());
        offsetMsg copy = alice.await("sent by the backend for alice");
        assertEquals(List.of(alice.uid, bob.uid), List.of(copy.getSourceUID(), copy.getTargetUID()));
        api.postJson("/v1/messages", Map.of("to", alice.uid, "msgId", "after", "text", "a later notice"));
        aliceLegacy.await("a later notice");
        assertTrue(aliceLegacy.received.stream().noneMatch(m -> m.getSourceUID() == alice.uid),
                "a session that did not ask gets no own copy");
    }

    @Test
    void groupMessagesFromTheSystemNeedNoMembershipFromAUserTheyDo() throws Exception {
        long group = uid();
        User carol = new User(uid(), true);
        assertEquals(200, api.call("PUT", "/v1/groups/" + group + "/members/" + carol.uid, null).status());
        ApiClient.Answer notice = api.postJson("/v1/messages", Map.of("groupId", group, "msgId", "g1", "text", "welcome"));
        assertEquals(200, notice.status());
        offsetMsg got = carol.await("welcome");
        assertEquals(List.of(0L, group), List.of(got.getSourceUID(), got.getGroupID()));
        ApiClient.Answer outsider = api.postJson("/v1/messages", Map.of("from", uid(), "groupId", group, "msgId", "g2",
                "text", "not a member"));
        assertEquals(409, outsider.status());
        assertTrue(outsider.error().contains("not a member"), outsider.error());
        assertEquals(200, api.postJson("/v1/messages", Map.of("from", carol.uid, "groupId", group, "msgId", "g3",
                "text", "a member")).status());

        // A group with no members: stored for nobody, not a duplicate; a resend then is one.
        Map<String, Object> toNobody = Map.of("groupId", uid(), "msgId", "empty-1", "text", "anyone?");
        JsonNode first = api.postJson("/v1/messages", toNobody).json();
        assertEquals("{\"stored\":true,\"duplicate\":false,\"seqs\":[]}", first.toString());
        JsonNode again = api.postJson("/v1/messages", toNobody).json();
        assertEquals("{\"stored\":false,\"duplicate\":true,\"seqs\":[]}", again.toString());
    }

    @Test
    void malformedAndOversizeMessagesAreRefusedAndNothingIsStored() throws Exception {
        User dave = new User(uid(), true);
        String ok = "x".repeat(1000);
        assertEquals(200, api.postJson("/v1/messages", Map.of("to", dave.uid, "msgId", "fits", "text", ok)).status());
        ApiClient.Answer oversize = api.postJson("/v1/messages", Map.of("to", dave.uid, "msgId", "over", "text", ok + "é"));
        assertEquals(413, oversize.status());
        assertTrue(oversize.error().contains("1002 bytes") && oversize.error().contains("1000"), oversize.error());
        List<String> bad = List.of(
                "{\"to\": " + dave.uid + ", \"text\": \"no msgId\"}",
                "{\"to\": " + dave.uid + ", \"msgId\": \"\", \"text\": \"empty msgId\"}",
                "{\"to\": " + dave.uid + ", \"msgId\": \"" + "i".repeat(129) + "\", \"text\": \"long msgId\"}",
                "{\"to\": " + dave.uid + ", \"msgId\": \"e\", \"text\": \"\"}",
                "{\"to\": " + dave.uid + ", \"msgId\": \"n\", \"text\": \"nul \\u0000 inside\"}",
                "{\"to\": " + dave.uid + ", \"groupId\": 5, \"msgId\": \"both\", \"text\": \"x\"}",
                "{\"msgId\": \"neither\", \"text\": \"x\"}",
                "{\"to\": " + dave.uid + ", \"from\": -1, \"msgId\": \"neg\", \"text\": \"x\"}",
                "{\"to\": 0, \"msgId\": \"zero\", \"text\": \"x\"}",
                "{\"to\": " + dave.uid + ", \"msgId\": 5, \"text\": \"x\"}",
                "{\"to\": " + dave.uid + ", \"msgId\": \"t\", \"text\": [\"x\"]}",
                "{\"to\": " + dave.uid + ", \"msgID\": \"typo\", \"text\": \"x\"}",
                "{\"to\": " + dave.uid + ", \"msgId\": \"u\", \"text\": \"\\ud800 lone surrogate\"}");
        for (String body : bad) {
            ApiClient.Answer refused = api.post("/v1/messages", body);
            assertTrue(refused.status() == 400, body + " -> " + refused.status() + " " + refused.raw().body());
        }
        Thread.sleep(300);
        assertEquals(List.of(ok), dave.received.stream().map(offsetMsg::getMsg).toList(), "only the message that fit");
    }

    // ---- groups ----

    @Test
    void membersAreAddedRemovedAndListedInPages() throws Exception {
        long group = uid();
        String members = "/v1/groups/" + group + "/members";
        for (long m = 1; m <= 5; m++) {
            ApiClient.Answer added = api.call("PUT", members + "/" + (m * 10), null);
            assertEquals(200, added.status());
            assertTrue(added.json().get("added").asBoolean());
        }
        assertFalse(api.call("PUT", members + "/10", null).json().get("added").asBoolean(), "idempotent");
        JsonNode first = api.get(members + "?limit=2").json();
        assertEquals("[10,20]", first.get("members").toString());
        assertEquals(20, first.get("next").asLong());
        JsonNode last = api.get(members + "?after=40&limit=2").json();
        assertEquals("[50]", last.get("members").toString());
        assertTrue(last.get("next").isNull());
        JsonNode fullLast = api.get(members + "?after=30&limit=2").json();
        assertEquals("[40,50]", fullLast.get("members").toString());
        assertTrue(fullLast.get("next").isNull(), "a last page that is full says so too");
        assertEquals("limit must be a whole number from 1 to 1000", api.get(members + "?limit=0").error());
        assertEquals("[10,20,30,40,50]", api.get(members).json().get("members").toString());
        assertTrue(api.call("DELETE", members + "/30", null).json().get("removed").asBoolean());
        assertFalse(api.call("DELETE", members + "/30", null).json().get("removed").asBoolean());
        assertEquals("[]", api.get("/v1/groups/" + uid() + "/members").json().get("members").toString(), "an unknown group");
        for (String path : List.of(members + "?limit=0", members + "?limit=1001", members + "?after=-1", members + "?limit=x",
                "/v1/groups/0/members", "/v1/groups/abc/members", "/v1/groups/99999999999999999999/members",
                "/v1/groups/-5/members")) {
            assertEquals(400, api.get(path).status(), path);
        }
        assertEquals(400, api.call("PUT", members + "/0", null).status());
    }

    // ---- presence ----

    @Test
    void presenceFollowsLoginsAndUnknownUsersAreOfflineNeverSeen() throws Exception {
        JsonNode unknown = api.get("/v1/users/" + uid() + "/presence").json();
        assertFalse(unknown.get("online").asBoolean());
        assertEquals(0, unknown.get("devices").asInt());
        assertTrue(unknown.get("since").isNull(), "never seen");
        User erin = new User(uid(), true);
        Await.until("erin online", Duration.ofSeconds(5), () -> presence(erin.uid).get("online").asBoolean());
        User erinAgain = new User(erin.uid, false);
        Await.until("erin on two devices", Duration.ofSeconds(5), () -> presence(erin.uid).get("devices").asInt() == 2);
        long since = presence(erin.uid).get("since").asLong();
        assertTrue(since > 0 && since <= System.currentTimeMillis());

        JsonNode many = api.postJson("/v1/presence", Map.of("uids", List.of(erin.uid, 999_999_999L, erin.uid))).json();
        assertEquals(2, many.get("users").size(), "asked twice, answered once");
        assertEquals(erin.uid, many.get("users").get(0).get("uid").asLong());
        assertTrue(many.get("users").get(0).get("online").asBoolean());
        assertFalse(many.get("users").get(1).get("online").asBoolean());

        erin.client.close();
        erinAgain.client.close();
        Await.until("erin offline", Duration.ofSeconds(5), () -> !presence(erin.uid).get("online").asBoolean());
        assertTrue(presence(erin.uid).get("since").asLong() >= since, "last seen");

        assertEquals(400, api.postJson("/v1/presence", Map.of("uids", LongStream.rangeClosed(1, 1001).boxed().toList())).status());
        assertEquals(400, api.postJson("/v1/presence", Map.of("uids", List.of())).status());
        assertEquals(400, api.post("/v1/presence", "{\"uids\": [1, -2]}").status());
        assertEquals(400, api.get("/v1/users/0/presence").status());
    }

    private JsonNode presence(long uid) {
        try {
            return api.get("/v1/users/" + uid + "/presence").json();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    // ---- revocation ----

    @Test
    void aRevocationKicksTheUsersSessionsAndItsOldTokensStopWorking() throws Exception {
        long uid = uid();
        String old = token(uid);
        User frank = new User(uid, old, true);
        User bystander = new User(uid(), true);
        Thread.sleep(5);
        ApiClient.Answer revoked = api.post("/v1/users/" + uid + "/revoke", null);
        assertEquals(200, revoked.status());
        assertTrue(revoked.json().get("revokedAt").asLong() > 0);
        Await.until("frank's session ended", Duration.ofSeconds(5), () -> !frank.endings.isEmpty());
        assertTrue(frank.endings.get(0) instanceof ChatException kicked && kicked.code() == ErrorCode.TOKEN_REVOKED,
                String.valueOf(frank.endings.get(0)));
        ChatException refused = assertThrows(ChatException.class, () -> new User(uid, old, true));
        assertEquals(ErrorCode.TOKEN_REVOKED, refused.code());
        new User(uid, token(uid), true); // minted after: works
        assertTrue(bystander.endings.isEmpty(), "others stay");
        assertEquals(400, api.post("/v1/users/x/revoke", null).status());
        assertEquals("this call takes no body", api.post("/v1/users/" + uid + "/revoke", "{\"x\": 1}").error());
    }

    // ---- other modes ----

    /** --groups managed: clients cannot join or leave, the API can; --auth legacy-md5: nothing to mint. */
    @Test
    void managedGroupsAndLegacyTokens() throws Exception {
        Path other = Files.createTempDirectory("fishchat-api-managed-");
        try (FishchatProcess managed = FishchatProcess.start("standalone", "--data", other.toString(), "--no-web",
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0",
                "--groups", "managed", "--auth", "legacy-md5")) {
            InetSocketAddress node = new InetSocketAddress("127.0.0.1", Integer.parseInt(managed.await(READY, 60).group(4)));
            ApiClient managedApi = new ApiClient(new InetSocketAddress("127.0.0.1",
                    Integer.parseInt(managed.await(API, 10).group(1))), Files.readString(other.resolve("api-key")).strip());
            ApiClient.Answer mint = managedApi.postJson("/v1/tokens", Map.of("uid", 5));
            assertEquals(409, mint.status());
            assertTrue(mint.error().contains("legacy-md5"), mint.error());

            try (ChatClient client = ChatClient.connect(node, null, m -> { })) {
                client.login(5, new fishchat.chat.auth.LegacyMd5Tokens(fishchat.chat.auth.LegacyMd5Tokens.DEFAULT_SALT)
                        .tokenFor(5), 0);
                assertEquals(ErrorCode.REQUEST_ERR, client.join(70), "a client cannot join");
                assertEquals(200, managedApi.call("PUT", "/v1/groups/70/members/5", null).status());
                assertEquals(ErrorCode.OK, client.sendGroup(70, "g1", "now a member"), "the API made it one");
                assertEquals(ErrorCode.REQUEST_ERR, client.leave(70), "nor leave");
                assertEquals("[5]", managedApi.get("/v1/groups/70/members").json().get("members").toString());
            }
            assertEquals(0, managed.terminate(30));
        } finally {
            try (var files = Files.walk(other)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    // ---- the document ----

    @Test
    void theOpenApiDocumentDescribesExactlyTheRoutesServed() throws Exception {
        ApiClient.Answer served = api.get("/v1/openapi.json");
        assertEquals(200, served.status());
        JsonNode document = served.json();
        assertTrue(document.get("openapi").asText().startsWith("3."));
        try (InputStream resource = getClass().getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
            assertEquals(JSON.readTree(resource), document, "served as kept in the jar");
        }
        Set<ApiServer.Endpoint> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                documented.add(new ApiServer.Endpoint(methods.next().toUpperCase(java.util.Locale.ROOT), path.getKey()));
            }
        }
        assertEquals(Set.copyOf(ApiServer.ROUTES), documented, "documented = routed");
        for (ApiServer.Endpoint route : documented) {
            String path = route.path().replace("{uid}", "5").replace("{id}", "7");
            ApiClient.Answer answer = api.call(route.method(), path, route.method().equals("POST") ? "{}" : null);
            assertFalse(answer.status() == 404 || answer.status() == 405, route + " is served: " + answer.status());
            JsonNode responses = document.get("paths").get(route.path()).get(route.method().toLowerCase(java.util.Locale.ROOT))
                    .get("responses");
            assertTrue(responses.has(String.valueOf(answer.status())), route + " answered " + answer.status()
                    + ", which the document does not list");
        }
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        for (String ref : refs) {
            assertTrue(document.at(ref.substring(1)).isObject(), "a $ref that resolves: " + ref);
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
