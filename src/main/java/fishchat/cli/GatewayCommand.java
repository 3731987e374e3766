package fishchat.cli;

import fishchat.gateway.AccessDirectory;
import fishchat.discovery.etcd.EtcdRegistry;
import fishchat.gateway.AccessList;
import fishchat.gateway.DiscoveryPoller;
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
    @Mixin
    ConfigFlag config;

    @Option(names = "--listen", defaultValue = "127.0.0.1:10000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Address for clients (default: ${DEFAULT-VALUE}).")
    InetSocketAddress listen;

    @Option(names = "--access-list", split = ",", paramLabel = "HOST:PORT",
            description = "Access servers to hand out, comma-separated (without etcd).")
    List<String> accessList;

    @Mixin
    EtcdFlags etcd;

    @Option(names = "--poll-interval", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How often the access list is read from etcd (default: ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--idle-timeout", defaultValue = "0s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a connection that sends nothing this long; 0s: never (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Mixin
    ServerFlags server;

    @Mixin
    ShutdownFlag shutdown;

    @Override
    public Integer call() throws Exception {
        if ((accessList == null) == !etcd.enabled()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give either --access-list or --etcd");
        }
        if (accessList != null) {
            for (String address : accessList) {
                HostPort.parse(address); // refuse a malformed entry at start-up, not at the first client
            }
            GatewayServer gateway = new GatewayServer(server.options(listen, "gateway", idleTimeout),
                    new AccessDirectory(new AccessList(accessList))).start();
            Shutdown.await(shutdown.grace, gateway::stop);
            return 0;
        }
        EtcdRegistry registry = etcd.open();
        AccessDirectory directory = new AccessDirectory(AccessList.EMPTY);
        DiscoveryPoller poller = new DiscoveryPoller(registry, directory, pollInterval);
        GatewayServer gateway;
        try {
            gateway = new GatewayServer(server.options(listen, "gateway", idleTimeout), directory).start();
        } catch (Exception e) {
            poller.close();
            registry.close();
            throw e;
        }
        Shutdown.await(shutdown.grace, () -> {
            gateway.stop();
            poller.close();
            registry.close();
        });
        return 0;
    }
}
