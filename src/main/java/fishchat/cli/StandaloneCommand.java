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
        description = "Run gateway + access server + embedded SQLite store in one process (no etcd).")
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
        Metrics metrics = new Metrics();
        Standalone standalone = Standalone.start(
                server.options(gatewayListen, "gateway", chat.idleTimeout),
                server.options(accessListen, "access", chat.idleTimeout),
                chat.options(), node.data, auth.verifier(node.data), node.advertise, metrics);
        AdminServer admin = server.startAdmin(metrics, List.of(() -> standalone.store().problem()));
        System.out.printf("fishchat standalone: gateway %s, access %s, data %s%n",
                HostPort.format(standalone.gatewayAddress()), HostPort.format(standalone.accessAddress()),
                node.data.toAbsolutePath().normalize());
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
