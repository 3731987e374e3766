package fishchat.client;

import fishchat.access.AccessOptions;
import fishchat.libnet.ServerOptions;
import fishchat.protocol.external.offsetMsg;
import fishchat.store.StoredMessage;
import fishchat.testing.Await;
import fishchat.testing.ChatServer;
import fishchat.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ReconnectingChat and OutboxSender against a real access server, with faults put in by a {@link Relay}. */
class ReconnectingChatTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Short waits: the tests are about what happens after a reconnect, not how long it takes. */
    private static final Backoff QUICK = new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 0.25,
            RandomGenerator.getDefault());

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static final class Recorded implements ChatEvents {
        final List<offsetMsg> messages = new CopyOnWriteArrayList<>();
        final List<String> notices = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> ended = new CompletableFuture<>();

        @Override
        public void message(offsetMsg message) {
            messages.add(message);
        }

        @Override
        public void notice(String line) {
            notices.add(line);
        }

        @Override
        public void ended(String why) {
            ended.complete(why);
        }

        boolean noticed(String start) {
            return notices.stream().anyMatch(n -> n.startsWith(start));
        }
    }

    private ChatServer server(AccessOptions options) throws Exception {
        ChatServer server = ChatServer.start(dir, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access"),
                options, null);
        toClose.add(server);
        return server;
    }

    private Relay relayTo(ChatServer server) throws Exception {
        Relay relay = Relay.to(server.access().address());
        toClose.add(relay);
        return relay;
    }

    private ReconnectingChat chat(Relay relay, long uid, java.util.function.LongFunction<String> tokens, Recorded events) {
        ReconnectingChat chat = new ReconnectingChat(ServerRoute.straightTo(relay.address(), null), uid, tokens, QUICK, events);
        toClose.add(chat);
        return chat;
    }

    private static long copiesOf(ChatServer server, long uid, String text) {
        return server.store().readInbox(uid, 0, 1000).stream().map(StoredMessage::body).filter(text::equals).count();
    }

    @Test
    void aSendWhoseAnswerWasLostIsResentWithItsMsgIdAndStoredOnce() throws Exception {
        ChatServer server = server(AccessOptions.defaults());
        Relay relay = relayTo(server);
        Recorded events = new Recorded();
        ReconnectingChat chat = chat(relay, 1, server::token, events);
        chat.open();
        Outbox outbox = new Outbox();
        OutboxSender sender = new OutboxSender(outbox, chat, events::notice, QUICK).start();
        toClose.add(sender::stop);

        relay.swallowReplies(); // the send reaches the server; its answer never comes back
        outbox.add(new Outgoing.ToUser(2, "stored once"), false);
        Await.until("the server stored the send", WAIT, () -> copiesOf(server, 2, "stored once") == 1);
        assertTrue(relay.awaitSwallowed(WAIT), "the answer was sent, and dropped");
        relay.cutAll();

        Await.until("resent after reconnecting", WAIT, () -> events.noticed("resent 1 pending message"));
        assertTrue(events.noticed("connection lost; reconnecting in"), events.notices.toString());
        assertTrue(events.noticed("reconnected to 127.0.0.1:"), events.notices.toString());
        assertEquals(0, outbox.size());
        assertEquals(1, copiesOf(server, 2, "stored once"), "the resend was recognised by its msgID");
    }

    @Test
    void messagesArrivingAcrossAReconnectAreHandedOnOnceInOrder() throws Exception {
        ChatServer server = server(AccessOptions.defaults());
        Relay relay = relayTo(server);
        Recorded events = new Recorded();
        ReconnectingChat chat = chat(relay, 1, server::token, events);
        chat.open();
        try (ChatClient other = ChatClient.connect(server.access().address(), null, m -> { })) {
            other.login(5, server.token(5), ChatClient.FROM_NEWEST);
            other.sendP2P(1, "a", "first");
            Await.until("first delivered", WAIT, () -> events.messages.size() == 1);
            relay.cutAll();
            other.sendP2P(1, "b", "second"); // stored while uid 1 is away
            Await.until("reconnected", WAIT, () -> events.noticed("reconnected to"));
            other.sendP2P(1, "c", "third");
            Await.until("all delivered", WAIT, () -> events.messages.size() >= 3);
        }
        assertEquals(List.of("first", "second", "third"), events.messages.stream().map(offsetMsg::getMsg).toList());
    }

    @Test
    void aKickStopsReconnecting() throws Exception {
        ChatServer server = server(AccessOptions.defaults().withMaxSessionsPerUser(1));
        Relay relay = relayTo(server);
        Recorded events = new Recorded();
        ReconnectingChat chat = chat(relay, 3, server::token, events);
        chat.open();

        server.login(3); // a newer device of the same user: the chat's session is replaced

        String why = events.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("you logged in on another device, which replaced this session; not reconnecting", why);
        assertTrue(chat.isStopped());
        assertNull(chat.awaitConnected(null), "no connection after a kick");
        assertTrue(events.notices.stream().noneMatch(n -> n.startsWith("reconnected")), events.notices.toString());
    }

    @Test
    void aTokenRefusedOnReloginStopsWithPlainWords() throws Exception {
        ChatServer server = server(AccessOptions.defaults());
        Relay relay = relayTo(server);
        Recorded events = new Recorded();
        AtomicInteger logins = new AtomicInteger();
        ReconnectingChat chat = chat(relay, 3, uid -> logins.incrementAndGet() == 1 ? server.token(uid) : "forged", events);
        chat.open();

        relay.cutAll();

        String why = events.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("this token is not valid for uid 3; not reconnecting", why);
        assertTrue(events.noticed("connection lost; reconnecting in"), events.notices.toString());
        assertNull(chat.awaitConnected(null));
    }

    @Test
    void aServerThatIsNotThereIsNamed() {
        Recorded events = new Recorded();
        ReconnectingChat chat = new ReconnectingChat(
                ServerRoute.throughGateway(new InetSocketAddress("127.0.0.1", FreePorts.take()), null), 1, uid -> "t", QUICK, events);
        UnreachableServerException e = org.junit.jupiter.api.Assertions.assertThrows(UnreachableServerException.class, chat::open);
        assertTrue(e.getMessage().matches("cannot reach gateway 127\\.0\\.0\\.1:\\d+: Connection refused"), e.getMessage());
    }


    /** The terminal client asks for own copies: what the user sends from another device reaches this one, as its own. */
    @Test
    void whatTheUserSendsFromAnotherDeviceArrivesAsItsOwn() throws Exception {
        ChatServer server = server(AccessOptions.defaults());
        Relay relay = relayTo(server);
        Recorded laptop = new Recorded();
        chat(relay, 1, server::token, laptop).open();
        Recorded phone = new Recorded();
        ReconnectingChat phoneChat = chat(relay, 1, server::token, phone);
        phoneChat.open();
        assertEquals(fishchat.protocol.ErrorCode.OK, phoneChat.awaitConnected(null).sendP2P(2, "p1", "sent from the phone"));
        Await.until("the laptop has the phone's message", WAIT,
                () -> laptop.messages.stream().anyMatch(m -> m.getMsg().equals("sent from the phone")));
        offsetMsg copy = laptop.messages.stream().filter(m -> m.getMsg().equals("sent from the phone")).findFirst().orElseThrow();
        assertEquals(List.of(1L, 2L), List.of(copy.getSourceUID(), copy.getTargetUID()), "from me, to 2");
    }

    /** A revocation through the server API stops the chat for good, saying why. */
    @Test
    void aRevokedTokenStopsTheChatSayingWhy() throws Exception {
        ChatServer server = server(AccessOptions.defaults());
        Relay relay = relayTo(server);
        Recorded events = new Recorded();
        String token = server.token(3);
        chat(relay, 3, uid -> token, events).open();
        Thread.sleep(5); // the revocation comes after the token was issued
        server.access().backend().revoke(3);
        String why = events.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(why.contains("revoked") && why.contains("not reconnecting"), why);
    }
}
