package fishchat.client.terminal;

import fishchat.client.Attempt;
import fishchat.client.Backoff;
import fishchat.client.ChatEvents;
import fishchat.client.ChatException;
import fishchat.client.ErrorWords;
import fishchat.client.Outbox;
import fishchat.client.OutboxSender;
import fishchat.client.Outgoing;
import fishchat.client.ReconnectingChat;
import fishchat.client.SeenSeqFile;
import fishchat.client.SeenSeqKeeper;
import fishchat.client.ServerRoute;
import fishchat.client.UnreachableServerException;
import fishchat.common.PrivateFiles;
import fishchat.protocol.external.offsetMsg;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * {@code fishchat chat}: one user at a terminal. Shows what is new since this device was
 * last here, then reads commands while messages print as they come; keeps going across lost
 * connections, and sends every typed line once the server is back.
 */
public final class TerminalChat {
    /**
     * @param stateDir               where the seen-seq files and the line history live
     * @param earlierPerConversation how many older messages of each conversation to show at start
     */
    public record Options(ServerRoute route, long uid, LongFunction<String> tokens, Path stateDir,
                          int earlierPerConversation, Backoff backoff, ZoneId zone) {
    }

    /** How a console is opened, given its history file and completions: the terminal's own, or a test's. */
    public interface ConsoleFactory {
        Console open(Path historyFile, Completions completions) throws IOException;
    }

    private static final Duration SEEN_WRITE_PERIOD = Duration.ofSeconds(1);

    private final Options options;
    private final ConsoleFactory consoles;
    private final PrintStream err;
    private final Set<Long> knownUsers = new ConcurrentSkipListSet<>();
    private final Set<Long> knownGroups = new ConcurrentSkipListSet<>();

    public TerminalChat(Options options, ConsoleFactory consoles, PrintStream err) {
        this.options = options;
        this.consoles = consoles;
        this.err = err;
    }

    /** On the process's own terminal (or plain standard input and output when they are not one). */
    public static TerminalChat onSystemTerminal(Options options) {
        return new TerminalChat(options, Consoles::open, System.err);
    }

    /** Runs until the user quits (0) or the chat cannot go on (1); a failure to start is one line on err. */
    public int run() throws IOException {
        long uid = options.uid();
        try {
            // 0700 from the start, on a terminal or a pipe: it holds what was typed and who talks here.
            PrivateFiles.directory(options.stateDir());
        } catch (IOException e) {
            err.println("fishchat chat: cannot create " + options.stateDir() + ": " + e.getMessage()
                    + " (going on without history or seen messages)");
        }
        SeenSeqFile seenFile = SeenSeqFile.of(options.stateDir(), options.route().name(), uid);
        OptionalLong lastSeen;
        try {
            lastSeen = seenFile.read();
        } catch (IOException e) {
            err.println("fishchat chat: " + e.getMessage() + " (starting as if this device were new here)");
            lastSeen = OptionalLong.empty();
        }
        MessageLines lines = new MessageLines(uid, options.zone());
        String startFailure;
        try (Console console = consoles.open(options.stateDir().resolve("history"), this::completionsFor)) {
            LiveMessages live = new LiveMessages(console, lines, uid);
            CompletableFuture<Integer> finished = new CompletableFuture<>();
            // Messages can arrive before the backlog is shown and the keeper exists: the newest is noted here.
            AtomicLong newestArrived = new AtomicLong(-1);
            AtomicReference<SeenSeqKeeper> keeper = new AtomicReference<>();
            ReconnectingChat chat = new ReconnectingChat(options.route(), uid, options.tokens(), options.backoff(),
                    new ChatEvents() {
                        @Override
                        public void message(offsetMsg message) {
                            remember(message);
                            live.arrived(message);
                            newestArrived.accumulateAndGet(message.getSeq(), Math::max);
                            SeenSeqKeeper k = keeper.get();
                            if (k != null) {
                                k.advance(message.getSeq());
                            }
                        }

                        @Override
                        public void notice(String line) {
                            console.show("* " + line);
                        }

                        @Override
                        public void ended(String why) {
                            console.show("* " + why);
                            finished.complete(1);
                        }
                    });
            try {
                long newest = chat.open();
                console.show("* logged in as " + uid + " on " + chat.accessAddress() + via());
                long seen = showBacklog(chat, console, lines, lastSeen, newest);
                SeenSeqKeeper k = new SeenSeqKeeper(seenFile, lastSeen.orElse(-1), SEEN_WRITE_PERIOD,
                        problem -> console.show("* " + problem));
                keeper.set(k);
                k.advance(seen);
                k.advance(newestArrived.get());
                showHelp(console);
                live.release();

                Outbox outbox = new Outbox();
                OutboxSender sender = new OutboxSender(outbox, chat, line -> console.show("* " + line)).start();
                Thread.ofVirtual().name("chat-input-" + uid).start(() -> readCommands(console, chat, outbox, live, finished));
                int code = finished.join();
                if (code == 0) {
                    code = sendWhatIsLeft(outbox, chat, console);
                }
                sender.stop();
                return code;
            } catch (IOException e) {
                startFailure = startFailure(e, uid); // told after the console is closed, on err
            } finally {
                chat.close();
                SeenSeqKeeper k = keeper.get();
                if (k != null) {
                    k.close();
                }
            }
        }
        err.println("fishchat chat: " + startFailure);
        return 1;
    }

    private String via() {
        return options.route().isThroughGateway() ? " (through gateway " + options.route().name() + ")" : "";
    }

    /**
     * Shows the inbox as it was at login: the last few messages of each conversation this
     * device saw before, then everything new since, with who wrote it.
     *
     * @return the newest seq this device has now seen
     */
    private long showBacklog(ReconnectingChat chat, Console console, MessageLines lines, OptionalLong lastSeen, long newest) {
        // A remembered seq beyond the server's newest means the server's data is not what this
        // device saw (a new server on the same address): then everything here is new to it.
        long before = lastSeen.isPresent() && lastSeen.getAsLong() <= newest ? lastSeen.getAsLong() : -1;
        Backlog backlog = new Backlog(lines, before, options.earlierPerConversation());
        try {
            chat.readInbox(0, newest, m -> {
                remember(m);
                backlog.add(m);
            });
        } catch (IOException e) {
            console.show("* could not read the messages stored before this login: " + e.getMessage());
            return Math.max(before, 0);
        }
        if (backlog.firstVisit()) {
            console.show("* first time here as " + chat.uid() + " on this device: " + backlog.earlierTotal()
                    + (backlog.earlierTotal() == 1 ? " message" : " messages") + " in your inbox");
        }
        List<offsetMsg> earlier = backlog.earlierShown();
        if (!earlier.isEmpty()) {
            int hidden = backlog.earlierTotal() - earlier.size();
            console.show("* earlier messages, the last " + options.earlierPerConversation() + " of each conversation"
                    + (hidden > 0 ? " (" + hidden + " older not shown)" : "") + ":");
            earlier.forEach(m -> console.show(lines.format(m)));
        }
        if (!backlog.firstVisit()) {
            console.show("* " + backlog.summary());
            backlog.fresh().forEach(m -> console.show(lines.format(m)));
        }
        return newest;
    }

    private void readCommands(Console console, ReconnectingChat chat, Outbox outbox, LiveMessages live,
                              CompletableFuture<Integer> finished) {
        try {
            String line;
            while (!finished.isDone() && (line = console.readLine()) != null) {
                switch (TypedLine.parse(line)) {
                    case TypedLine.Quit quit -> {
                        finished.complete(0);
                        return;
                    }
                    case TypedLine.Help help -> showHelp(console);
                    case TypedLine.Blank blank -> {
                    }
                    case TypedLine.Mistake mistake -> console.show("* " + mistake.why());
                    case TypedLine.Request request -> {
                        Outgoing outgoing = request.request();
                        rememberTarget(outgoing);
                        if (outgoing instanceof Outgoing.ToUser u) {
                            live.sentHere(u.msgId());
                        } else if (outgoing instanceof Outgoing.ToGroup g) {
                            live.sentHere(g.msgId());
                        }
                        boolean connected = chat.isConnected();
                        outbox.add(outgoing, !connected);
                        if (!connected) {
                            console.show("* not connected: it will be sent once reconnected");
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!finished.isDone()) {
                console.show("* cannot read input: " + e.getMessage());
            }
        }
        finished.complete(0); // end of input: leave as /quit does
    }

    /** Before leaving, what was typed goes out, unless the chat stopped for good. */
    private static int sendWhatIsLeft(Outbox outbox, ReconnectingChat chat, Console console) {
        int left = outbox.size();
        if (left == 0) {
            return 0;
        }
        console.show("* sending " + left + " pending request" + (left == 1 ? "" : "s") + " before leaving (Ctrl-C to leave now)");
        if (outbox.awaitEmpty(Duration.ofMillis(200), chat::isStopped)) {
            return 0;
        }
        console.show("* " + outbox.size() + " request(s) were not sent");
        return 1;
    }

    private static String startFailure(IOException e, long uid) {
        if (e instanceof ChatException refused) {
            String words = ErrorWords.of(refused, Attempt.login(uid));
            return refused.retryAfter().isZero() ? words
                    : words + " (try again in " + Math.max(1, refused.retryAfter().toSeconds()) + " s)";
        }
        return e instanceof UnreachableServerException ? e.getMessage() : "cannot log in: " + e.getMessage();
    }

    private void remember(offsetMsg m) {
        if (m.getGroupID() != 0) {
            knownGroups.add(m.getGroupID());
        } else if (m.getSourceUID() != 0 && m.getSourceUID() != options.uid()) {
            knownUsers.add(m.getSourceUID());
        } else if (m.getSourceUID() == options.uid()) {
            knownUsers.add(m.getTargetUID());
        }
    }

    private void rememberTarget(Outgoing outgoing) {
        switch (outgoing) {
            case Outgoing.ToUser u -> knownUsers.add(u.target());
            case Outgoing.ToGroup g -> knownGroups.add(g.group());
            case Outgoing.Join j -> knownGroups.add(j.group());
            case Outgoing.Leave l -> knownGroups.add(l.group());
        }
    }

    private List<String> completionsFor(String command) {
        Set<Long> ids = command.equals("/to") ? knownUsers
                : command.equals("/group") || command.equals("/join") || command.equals("/leave") ? knownGroups : Set.of();
        return ids.stream().map(String::valueOf).toList();
    }

    /** The commands, and what this console adds to them (Tab completion on a line editor). */
    private static void showHelp(Console console) {
        console.show("* " + TypedLine.HELP + console.helpHint());
    }
}
