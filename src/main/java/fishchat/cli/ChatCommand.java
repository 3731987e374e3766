package fishchat.cli;

import fishchat.client.Backoff;
import fishchat.client.ConfigDir;
import fishchat.client.ServerRoute;
import fishchat.client.terminal.TerminalChat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.Callable;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Interactive terminal client: /to UID text, /group GID text, /join GID, /leave GID, /help, /quit.",
                "Reconnects by itself when the server goes away and sends what was typed meanwhile; "
                        + "at start shows what is new since this device was last here (docs/CHAT-CLIENT.md)."})
final class ChatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFlag config;

    @Option(names = "--gateway", defaultValue = "127.0.0.1:10000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Gateway to ask for an access server, at start and at every reconnect (default: ${DEFAULT-VALUE}).")
    InetSocketAddress gateway;

    @Option(names = "--access", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Connect to this access server instead of asking the gateway (e.g. to pick a node of a cluster).")
    InetSocketAddress accessServer;

    @Option(names = "--uid", required = true, paramLabel = "UID", description = "Your user id.")
    long uid;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where to keep what this device has seen and the line history "
                    + "(default: $XDG_CONFIG_HOME/fishchat, else ~/.config/fishchat).")
    Path stateDir;

    @Option(names = "--earlier", defaultValue = "3", paramLabel = "N",
            description = "At start, show the last N older messages of each conversation (default: ${DEFAULT-VALUE}).")
    int earlier;

    @Mixin
    ClientTokenFlags tokens;

    @Mixin
    ClientTlsFlags tls;

    @Override
    public Integer call() throws Exception {
        if (uid <= 0) {
            throw new IllegalArgumentException("--uid must be a positive number");
        }
        if (earlier < 0) {
            throw new IllegalArgumentException("--earlier must be 0 or more");
        }
        if (accessServer != null && spec.commandLine().getParseResult().hasMatchedOption("--gateway")) {
            throw new IllegalArgumentException("give --gateway or --access, not both (--access skips the gateway)");
        }
        var trust = tls.trust();
        ServerRoute route = accessServer != null ? ServerRoute.straightTo(accessServer, trust)
                : ServerRoute.throughGateway(gateway, trust);
        ClientTokenFlags.Minter minter = tokens.minter(); // a missing token source is a flag error, before connecting
        TerminalChat.Options options = new TerminalChat.Options(route, uid, minter::tokenFor,
                stateDir != null ? stateDir : ConfigDir.current(), earlier, Backoff.standard(), ZoneId.systemDefault());
        return TerminalChat.onSystemTerminal(options).run();
    }
}
