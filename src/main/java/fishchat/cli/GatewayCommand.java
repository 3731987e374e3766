package fishchat.cli;

import fishchat.gateway.AccessDirectory;
import fishchat.admin.AdminServer;
import fishchat.admin.ServerMetrics;
import fishchat.discovery.etcd.EtcdRegistry;
import fishchat.metrics.Metrics;
import fishchat.gateway.AccessList;
import fishchat.gateway.DiscoveryPoller;
import fishchat.gateway.GatewayServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

    @Option(names = "--idle-timeout", defaultValue = "90s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a connection that sends nothing this long, so vanished clients do not pile up; "
                    + "0s: never (default: ${DEFAULT-VALUE}).")
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
        Metrics metrics = new Metrics();
        AccessDirectory directory;
        EtcdRegistry registry = null;
        DiscoveryPoller poller = null;
        if (accessList != null) {
            for (String address : accessList) {
                HostPort.parse(address); // refuse a malformed entry at start-up, not at the first client
            }
            directory = new AccessDirectory(new AccessList(accessList));
        } else {
            registry = etcd.open();
            directory = new AccessDirectory(AccessList.EMPTY);
            poller = new DiscoveryPoller(registry, directory, pollInterval);
            poller.instrument(metrics);
        }
        metrics.gauge("fishchat_access_list_size", "Access servers the gateway hands out", () -> directory.current().addresses().size());
        GatewayServer gateway;
        AdminServer admin;
        try {
            gateway = new GatewayServer(server.options(listen, "gateway", idleTimeout), directory).start();
            ServerMetrics.register(metrics, "gateway", gateway.frameServer());
            admin = server.startAdmin(metrics, List.of(() -> directory.current().addresses().isEmpty()
                    ? Optional.of("no access server known") : Optional.empty()));
        } catch (Exception e) {
            closeDiscovery(poller, registry);
            throw e;
        }
        DiscoveryPoller startedPoller = poller;
        EtcdRegistry openRegistry = registry;
        Shutdown.await(shutdown.grace, () -> {
            if (admin != null) {
                admin.draining();
            }
            gateway.stop();
            closeDiscovery(startedPoller, openRegistry);
            if (admin != null) {
                admin.close();
            }
        });
        return 0;
    }

    private static void closeDiscovery(DiscoveryPoller poller, EtcdRegistry registry) {
        if (poller != null) {
            poller.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
