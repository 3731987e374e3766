package fishchat.cli;

import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.gateway.GatewayServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run a gateway: tells each client which access server to use (cmd 10001).")
final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:10000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Address for clients (default: ${DEFAULT-VALUE}).")
    InetSocketAddress listen;

    @Option(names = "--access-list", split = ",", paramLabel = "HOST:PORT", required = true,
            description = "Access servers to hand out, comma-separated.")
    List<String> accessList;

    @Option(names = "--idle-timeout", defaultValue = "0s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a connection that sends nothing this long; 0s: never (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Mixin
    ServerFlags server;

    @Override
    public Integer call() throws Exception {
        for (String address : accessList) {
            HostPort.parse(address); // refuse a malformed entry at start-up, not at the first client
        }
        GatewayServer gateway = new GatewayServer(server.options(listen, "gateway", idleTimeout),
                new AccessDirectory(new AccessList(accessList))).start();
        UntilShutdown.await(gateway::stop);
        return 0;
    }
}
