package fishchat.cli;

import fishchat.access.AccessServer;
import fishchat.standalone.Standalone;
import fishchat.store.sqlite.SqliteStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

@Command(name = "access", mixinStandardHelpOptions = true,
        description = "Run an access server: client sessions, login, messages, sync (cmds 20001-20010).")
final class AccessCommand implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:11000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Address for clients (default: ${DEFAULT-VALUE}).")
    InetSocketAddress listen;

    @Option(names = "--advertise", paramLabel = "HOST:PORT",
            description = "Address the gateway hands to clients (default: the --listen address).")
    String advertise;

    @Option(names = "--data", defaultValue = "./data", paramLabel = "DIR",
            description = "Data directory: message store and token secret (default: ${DEFAULT-VALUE}).")
    Path data;

    @Mixin
    AuthFlags auth;

    @Mixin
    ChatFlags chat;

    @Mixin
    ServerFlags server;

    @Override
    public Integer call() throws Exception {
        if (advertise != null) {
            HostPort.parse(advertise);
        }
        var tokens = auth.verifier(data);
        SqliteStore store = SqliteStore.open(data, Standalone.STORE_TIMEOUT);
        AccessServer access;
        try {
            access = new AccessServer(server.options(listen, "access", chat.idleTimeout), chat.options(), store, tokens,
                    Clock.systemUTC()).start();
        } catch (Exception e) {
            store.close();
            throw e;
        }
        UntilShutdown.await(() -> {
            access.stop();
            store.close();
        });
        return 0;
    }
}
