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
import fishchat.web.ChatPages;

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

    @Option(names = "--tls-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Also serve clients over TLS here (with --tls-cert, --tls-key); they are given TLS access "
                    + "addresses only (default: off).")
    InetSocketAddress tlsListen;

    @Mixin
    TlsFlags tls;

    @Option(names = "--access-list", split = ",", paramLabel = "HOST:PORT",
            description = "Access servers to hand out, comma-separated (without etcd).")
    List<String> accessList;

    @Option(names = "--tls-access-list", split = ",", paramLabel = "HOST:PORT",
            description = "TLS access addresses to hand out on --tls-listen, comma-separated (without etcd; with etcd "
                    + "they come from each node's tlsAddr).")
    List<String> tlsAccessList;

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

    @Option(names = "--web-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Serve the chat page and GET /access (JSON: an access server's addr and wsUrl) here "
                    + "(default: off).")
    InetSocketAddress webListen;

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
        if (tlsAccessList != null && accessList == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--tls-access-list goes with --access-list (with etcd, nodes publish their TLS address)");
        }
        if (accessList != null && (tlsListen != null) != (tlsAccessList != null)) {
            // Either way a half-configured gateway: TLS clients with nothing to be given, or a list never used.
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), tlsListen != null
                    ? "--tls-listen with --access-list needs --tls-access-list (the TLS addresses to hand out)"
                    : "--tls-access-list needs --tls-listen");
        }
        var credentials = tls.load(tlsListen != null, "--tls-listen");
        Metrics metrics = new Metrics();
        AccessDirectory directory;
        EtcdRegistry registry = null;
        DiscoveryPoller poller = null;
        if (accessList != null) {
            List<String> tlsList = tlsAccessList == null ? List.of() : tlsAccessList;
            for (String address : concat(accessList, tlsList)) {
                HostPort.parse(address); // refuse a malformed entry at start-up, not at the first client
            }
            directory = new AccessDirectory(new AccessList(accessList), new AccessList(tlsList));
        } else {
            registry = etcd.open();
            directory = new AccessDirectory(AccessList.EMPTY);
            poller = new DiscoveryPoller(registry, directory, pollInterval);
            poller.instrument(metrics);
        }
        metrics.gauge("fishchat_access_list_size", "Access servers the gateway hands out", () -> directory.current().addresses().size());
        GatewayServer gateway = null;
        ChatPages pages = null;
        AdminServer admin;
        try {
            gateway = new GatewayServer(TlsFlags.withTls(server.options(listen, "gateway", idleTimeout), tlsListen,
                    credentials), directory).start();
            ServerMetrics.register(metrics, "gateway", gateway.frameServer());
            pages = webListen == null ? null : ChatPages.start(webListen, directory, gateway.frameServer().options().limits());
            boolean servesTls = tlsListen != null;
            admin = server.startAdmin(metrics, List.of(() -> directory.current().addresses().isEmpty()
                    ? Optional.of("no access server known") : Optional.empty(),
                    () -> servesTls && directory.current(true).addresses().isEmpty()
                            ? Optional.of("no TLS access server known") : Optional.empty()));
            if (admin != null) {
                admin.describe("gateway", () -> directory.current().addresses());
            }
        } catch (Exception e) {
            if (pages != null) {
                pages.stop();
            }
            if (gateway != null) {
                gateway.stop();
            }
            closeDiscovery(poller, registry);
            throw e;
        }
        GatewayServer serving = gateway;
        ChatPages servingPages = pages;
        DiscoveryPoller startedPoller = poller;
        EtcdRegistry openRegistry = registry;
        Shutdown.await(shutdown.grace, () -> {
            if (admin != null) {
                admin.draining();
            }
            if (servingPages != null) {
                servingPages.stop();
            }
            serving.stop();
            closeDiscovery(startedPoller, openRegistry);
            if (admin != null) {
                admin.close();
            }
        });
        return 0;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
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
