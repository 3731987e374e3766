package fishchat.cli;

import fishchat.client.ChatClient;
import fishchat.client.ChatException;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Interactive terminal client: /to UID text, /group GID text, /join GID, /leave GID, /quit.")
final class ChatCommand implements Callable<Integer> {
    @Mixin
    ConfigFlag config;

    private static final String HELP = "commands: /to UID text · /group GID text · /join GID · /leave GID · /quit";

    @Option(names = "--gateway", defaultValue = "127.0.0.1:10000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Gateway to ask for an access server (default: ${DEFAULT-VALUE}).")
    InetSocketAddress gateway;

    @Option(names = "--access", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Connect to this access server instead of asking the gateway (e.g. to pick a node of a cluster).")
    InetSocketAddress accessServer;

    @Option(names = "--uid", required = true, paramLabel = "UID", description = "Your user id.")
    long uid;

    @Mixin
    ClientTokenFlags tokens;

    @Mixin
    ClientTlsFlags tls;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        var trust = tls.trust();
        InetSocketAddress access = accessServer != null ? accessServer : ChatClient.askGateway(gateway, null, trust);
        ChatClient client = ChatClient.connect(access, null, trust, new ChatClient.Listener() {
            @Override
            public void onMessage(offsetMsg m) {
                String from = m.getGroupID() != 0 ? "group " + m.getGroupID() + " from " + m.getSourceUID()
                        : "from " + m.getSourceUID();
                out.printf("[%s #%d %s] %s%n", from, m.getSeq(), Instant.ofEpochMilli(m.getSentAtMillis()), m.getMsg());
            }

            @Override
            public void onClosed() {
                out.println("* connection closed");
            }
        });
        try (client) {
            long newest = client.login(uid, tokens.minter().tokenFor(uid), 0);
            out.printf("* logged in as %d on %s; %d messages in your inbox%n* %s%n",
                    uid, HostPort.format(access), newest, HELP);
            Thread pinger = Thread.ofVirtual().name("chat-ping").start(() -> pingLoop(client));
            try {
                repl(client, out);
            } finally {
                pinger.interrupt();
            }
            if (!client.isClosed()) {
                client.logout();
            }
        } catch (ChatException e) {
            System.err.println("fishchat chat: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static void pingLoop(ChatClient client) {
        try {
            while (!client.isClosed()) {
                Thread.sleep(30_000);
                client.ping();
            }
        } catch (InterruptedException | IOException e) {
            // ends with the session
        }
    }

    private static void repl(ChatClient client, PrintStream out) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while (!client.isClosed() && (line = in.readLine()) != null) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+", 3);
            try {
                switch (words[0]) {
                    case "/quit" -> {
                        return;
                    }
                    case "/to" -> report(out, "sent", client.sendP2P(Long.parseLong(words[1]), newId(), text(words)));
                    case "/group" -> report(out, "sent", client.sendGroup(Long.parseLong(words[1]), newId(), text(words)));
                    case "/join" -> report(out, "joined", client.join(Long.parseLong(words[1])));
                    case "/leave" -> report(out, "left", client.leave(Long.parseLong(words[1])));
                    default -> out.println("* " + HELP);
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                out.println("* " + HELP);
            }
        }
    }

    private static String text(String[] words) {
        if (words.length < 3) {
            throw new ArrayIndexOutOfBoundsException("no text");
        }
        return words[2];
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    private static void report(PrintStream out, String what, ErrorCode code) {
        out.println(code == ErrorCode.OK ? "* " + what : "* failed: " + (code == null ? "?" : code.code() + " " + code.text()));
    }
}
