package fishchat.cli;

import fishchat.admin.AdminServer;
import fishchat.metrics.Metrics;
import fishchat.standalone.Standalone;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = "Run gateway + access server + message store (embedded SQLite unless --store-url) in one process (no etcd).")
final class StandaloneCommand implements Callable<Integer> {
    @Mixin
    ConfigFlag config;

    @Option(names = "--gateway-listen", defaultValue = "127.0.0.1:10000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Gateway address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress gatewayListen;

    @Option(names = "--access-listen", defaultValue = "127.0.0.1:11000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Access server address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress accessListen;

    @Mixin
    NodeFlags node;

    @Mixin
    StoreFlags storeFlags;

    @Mixin
    AuthFlags auth;

    @Mixin
    ChatFlags chat;

    @Mixin
    ServerFlags server;

    @Mixin
    ShutdownFlag shutdown;

    @Override
    public Integer call() throws Exception {
        node.check();
        storeFlags.postgres(); // a bad URL is refused before anything starts
        Metrics metrics = new Metrics();
        var tokens = auth.verifier(node.data);
        Standalone standalone = Standalone.start(
                server.options(gatewayListen, "gateway", chat.idleTimeout),
                server.options(accessListen, "access", chat.idleTimeout),
                chat.options(), storeFlags.open(node.data, metrics), tokens, node.advertise, metrics);
        AdminServer admin = server.startAdmin(metrics, List.of(() -> standalone.store().problem()));
        System.out.printf("fishchat standalone: gateway %s, access %s, %s%n",
                HostPort.format(standalone.gatewayAddress()), HostPort.format(standalone.accessAddress()),
                storeFlags.describe(node.data));
        System.out.flush();
        Shutdown.await(shutdown.grace, () -> {
            if (admin != null) {
                admin.draining();
            }
            standalone.close(shutdown.grace);
            if (admin != null) {
                admin.close();
            }
        });
        return 0;
    }
}
