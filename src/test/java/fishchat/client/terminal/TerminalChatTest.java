package fishchat.client.terminal;

import fishchat.client.Backoff;
import fishchat.client.ChatClient;
import fishchat.client.SeenSeqFile;
import fishchat.client.ServerRoute;
import fishchat.protocol.ErrorCode;
import fishchat.testing.Await;
import fishchat.testing.ChatServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The terminal chat of uid 1 against a real server, typed into through a scripted console. */
class TerminalChatTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private ChatServer server;
    private Path stateDir;

    @BeforeEach
    void startServer() throws Exception {
        server = ChatServer.start(dir.resolve("server"));
        stateDir = dir.resolve("state");
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    /** One run of the chat: starts it, lets {@code script} type, ends input, returns what it showed. */
    private Run run(LongFunction<String> tokens, java.util.function.Consumer<ScriptedConsole> script) throws Exception {
        ScriptedConsole console = new ScriptedConsole();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        TerminalChat chat = new TerminalChat(new TerminalChat.Options(
                ServerRoute.straightTo(server.access().address(), null), 1, tokens, stateDir, 3,
                Backoff.standard(), ZoneOffset.UTC), (history, completions) -> console,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return chat.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        console.awaitShown("* " + TypedLine.HELP, WAIT); // a pipe-like console: no Tab hint
        script.accept(console);
        console.endInput();
        return new Run(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS), console.shown, err.toString(StandardCharsets.UTF_8));
    }

    private Run run(java.util.function.Consumer<ScriptedConsole> script) throws Exception {
        return run(server::token, script);
    }

    private record Run(int exit, List<String> shown, String err) {
        /** The lines shown from the one starting with {@code from} (inclusive) on. */
        List<String> from(String start) {
            int i = shown.indexOf(start);
            assertTrue(i >= 0, "'" + start + "' was not shown; shown: " + shown);
            return shown.subList(i, shown.size());
        }
    }

    private ChatClient loggedIn(long uid) throws Exception {
        ChatClient client = ChatClient.connect(server.access().address(), null, m -> { });
        client.login(uid, server.token(uid), ChatClient.FROM_NEWEST);
        return client;
    }

    @Test
    void aSecondStartShowsTheLastFewOlderMessagesAndCountsWhatIsNew() throws Exception {
        try (ChatClient me = loggedIn(1); ChatClient five = loggedIn(5); ChatClient nine = loggedIn(9)) {
            assertEquals(ErrorCode.OK, me.join(7));
            assertEquals(ErrorCode.OK, nine.join(7));
            for (int i = 1; i <= 5; i++) {
                five.sendP2P(1, "o" + i, "old " + i);
            }
            nine.sendGroup(7, "og", "old in group");

            Run first = run(console -> { });
            assertEquals(0, first.exit(), first.toString());
            assertEquals(List.of(
                    "* first time here as 1 on this device: 6 messages in your inbox",
                    "* earlier messages, the last 3 of each conversation (2 older not shown):"),
                    first.shown().subList(1, 3));
            assertEquals(OptionalLong.of(6), SeenSeqFile.of(stateDir, server.access().address().getHostString() + ":"
                    + server.access().address().getPort(), 1).read());
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(stateDir)), "the state dir is the user's alone, without a terminal too");

            five.sendP2P(1, "n1", "new 1");
            nine.sendGroup(7, "ng", "new in group");
            five.sendP2P(1, "n2", "new 2");
        }
        Run second = run(console -> { });
        List<String> texts = second.shown().stream().map(l -> l.replaceFirst("^\\[[^]]*] ", "")).toList();
        assertEquals(List.of("old 3", "old 4", "old 5", "old in group"),
                texts.subList(texts.indexOf("old 3"), texts.indexOf("old in group") + 1));
        assertEquals(List.of("* 3 new messages since you were last here: 2 from 5, 1 in group 7", "new 1", "new in group",
                "new 2"), texts.subList(texts.indexOf("* 3 new messages since you were last here: 2 from 5, 1 in group 7"),
                texts.indexOf("new 2") + 1));
        assertFalse(texts.contains("old 1"), "older than the last 3 of its conversation");

        Run third = run(console -> { });
        assertTrue(third.shown().contains("* no new messages since you were last here"), third.shown().toString());
    }

    @Test
    void typedRequestsAreConfirmedOrRefusedInPlainWords() throws Exception {
        try (ChatClient two = loggedIn(2)) {
            Run run = run(console -> {
                console.type("/to 2 hello two");
                console.awaitShown("* sent to 2", WAIT);
                console.type("/join 7");
                console.awaitShown("* joined group 7", WAIT);
                console.type("/group 7 mine");
                console.awaitShown("* sent to group 7", WAIT);
                console.type("/leave 7");
                console.awaitShown("* left group 7", WAIT);
                console.type("/group 7 after leaving");
                console.awaitShown("* not sent to group 7: you are not a member of group 7 (/join 7 first)", WAIT);
                console.type("/to 2 " + "x".repeat(5000));
                console.awaitShown("* not sent to 2: message too long (5000 bytes; this server takes at most 4096)", WAIT);
                send(two, 1, "live after all that");
                Await.until("the live message shown", WAIT,
                        () -> console.shown.stream().anyMatch(l -> l.matches("\\[from 2 #\\d+ .*] live after all that")));
            });
            assertEquals(0, run.exit(), run.toString());
            // Its own group message came back through the inbox before the live one: not shown twice.
            assertTrue(run.shown().stream().noneMatch(l -> l.endsWith("] mine")), run.shown().toString());
        }
    }

    @Test
    void aRefusedTokenAtStartIsOneLineAndExitCode1() throws Exception {
        ScriptedConsole console = new ScriptedConsole();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        TerminalChat chat = new TerminalChat(new TerminalChat.Options(
                ServerRoute.straightTo(server.access().address(), null), 1, uid -> "forged", stateDir, 3,
                Backoff.standard(), ZoneOffset.UTC), (history, completions) -> console,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, chat.run());
        assertEquals("fishchat chat: this token is not valid for uid 1" + System.lineSeparator(),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), console.shown);
    }

    private static void send(ChatClient from, long to, String text) {
        try {
            assertEquals(ErrorCode.OK, from.sendP2P(to, java.util.UUID.randomUUID().toString(), text));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
