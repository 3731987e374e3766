package fishchat.node;

import fishchat.admin.ServerMetrics;
import fishchat.discovery.Registry;
import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.gateway.DiscoveryPoller;
import fishchat.gateway.GatewayServer;
import fishchat.libnet.ServerOptions;
import fishchat.metrics.Metrics;
import fishchat.web.ChatPages;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code fishchat gateway}: the access servers it hands out (a fixed list, or what etcd says,
 * polled), its frame port(s), the chat page's {@code GET /access}, the admin port.
 */
public final class GatewayNode {
    /**
     * @param accessList    fixed access addresses (with {@code tlsAccessList}), or null when {@code registry} gives them
     * @param registry      opens etcd's client, or null; the node closes it when it stops
     * @param pageBind      where the chat page and {@code GET /access} are served, or null
     * @param adminBind     the admin port, or null
     */
    public record Config(ServerOptions server, List<String> accessList, List<String> tlsAccessList, Node.Start<Registry> registry,
                         Duration pollInterval, InetSocketAddress pageBind, InetSocketAddress adminBind) {
    }

    private final Node node;
    private final GatewayServer gateway;
    private final ChatPages pages;

    private GatewayNode(Node node, GatewayServer gateway, ChatPages pages) {
        this.node = node;
        this.gateway = gateway;
        this.pages = pages;
    }

    public static GatewayNode start(Config config, Metrics metrics) throws Exception {
        return Node.assemble("gateway", node -> {
            AccessDirectory directory = directory(node, config, metrics);
            metrics.gauge("fishchat_access_list_size", "Access servers the gateway hands out",
                    () -> directory.current().addresses().size());
            boolean servesTls = config.server().tlsBind() != null;
            Admin.start(node, config.adminBind(), metrics, List.of(
                    () -> directory.current().addresses().isEmpty() ? Optional.of("no access server known") : Optional.empty(),
                    () -> servesTls && directory.current(true).addresses().isEmpty()
                            ? Optional.of("no TLS access server known") : Optional.empty()),
                    "gateway", () -> directory.current().addresses());
            GatewayServer gateway = node.start("gateway", () -> new GatewayServer(config.server(), directory).start(),
                    (server, grace) -> server.stop());
            ServerMetrics.register(metrics, "gateway", gateway.frameServer());
            ChatPages pages = config.pageBind() == null ? null : node.start("chat page",
                    () -> ChatPages.start(config.pageBind(), directory, config.server().limits()), (page, grace) -> page.stop());
            return new GatewayNode(node, gateway, pages);
        });
    }

    private static AccessDirectory directory(Node node, Config config, Metrics metrics) throws Exception {
        if (config.registry() == null) {
            return new AccessDirectory(new AccessList(config.accessList()), new AccessList(config.tlsAccessList()));
        }
        Registry registry = node.start("etcd client", config.registry(), (client, grace) -> client.close());
        AccessDirectory directory = new AccessDirectory(AccessList.EMPTY);
        DiscoveryPoller poller = node.start("discovery", () -> new DiscoveryPoller(registry, directory, config.pollInterval()),
                (polling, grace) -> polling.close());
        poller.instrument(metrics);
        return directory;
    }

    public InetSocketAddress address() {
        return gateway.address();
    }

    public GatewayServer gateway() {
        return gateway;
    }

    /** The chat page, or null. */
    public ChatPages pages() {
        return pages;
    }

    public void stop(Duration grace) {
        node.stop(grace);
    }
}
