package fishchat.node;

import fishchat.access.AccessOptions;
import fishchat.access.AccessServer;
import fishchat.api.ApiOptions;
import fishchat.api.ServerApi;
import fishchat.access.NodeRegistration;
import fishchat.chat.auth.TokenVerifier;
import fishchat.discovery.AccessNode;
import fishchat.discovery.Registry;
import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.libnet.ServerOptions;
import fishchat.metrics.Metrics;
import fishchat.store.MessageStore;
import fishchat.web.WebFront;
import fishchat.web.WebOptions;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * {@code fishchat access}: its message store, admin port, access server with what it serves
 * browsers, and (with etcd) its entry in the registry, which is withdrawn first when it stops
 * so that gateways stop handing it out before its sessions are drained.
 */
public final class AccessProcess {
    /** Opens the node's store; the node closes it when it stops. */
    @FunctionalInterface
    public interface StoreOpener {
        MessageStore open() throws Exception;
    }

    /**
     * @param advertised what clients are told to dial instead of the bound addresses (each may be null)
     * @param registry   opens etcd's client, or null (then a gateway's --access-list names this node); closed when the node stops
     * @param nodeId     the node's id in etcd, or null for hostname-port
     * @param adminBind  the admin port, or null
     */
    public record Config(ServerOptions server, AccessOptions chat, StoreOpener store, TokenVerifier tokens, WebOptions web,
                         Advertised advertised, Node.Start<Registry> registry, String nodeId, InetSocketAddress adminBind,
                         ApiOptions api) {
    }

    private final Node node;
    private final AccessServer access;
    private final WebFront web;

    private AccessProcess(Node node, AccessServer access, WebFront web) {
        this.node = node;
        this.access = access;
        this.web = web;
    }

    public static AccessProcess start(Config config, Metrics metrics) throws Exception {
        return Node.assemble("access", node -> {
            Registry registry = config.registry() == null ? null
                    : node.start("etcd client", config.registry(), (client, grace) -> client.close());
            MessageStore store = node.start("store", config.store()::open, (opened, grace) -> opened.close());
            Admin.start(node, config.adminBind(), metrics, List.of(store::problem), "access", null);
            boolean handedOut = registry != null || config.web().pageBind() != null;
            AccessSide.Started side = AccessSide.start(node, config.server(), config.chat(), store, config.tokens(),
                    config.web(), new AccessDirectory(AccessList.EMPTY), config.advertised(), handedOut, metrics,
                    "--listen", "--tls-listen");
            node.start("server API", () -> ServerApi.start(config.api(), side.access(), config.tokens(), metrics),
                    (api, grace) -> api.stop());
            if (registry != null) {
                AccessNode description = describe(side, config.nodeId());
                NodeRegistration registration = node.start("registration",
                        () -> new NodeRegistration(registry, description, () -> side.access().frameServer().sessions().size()),
                        (registered, grace) -> registered.stop());
                registration.instrument(metrics);
            }
            return new AccessProcess(node, side.access(), side.web());
        });
    }

    /** What the node publishes in etcd; its default id is stable across restarts and unique per host and port. */
    private static AccessNode describe(AccessSide.Started side, String nodeId) {
        String id = nodeId != null ? nodeId : AccessNode.idFrom(hostname() + "-" + side.access().address().getPort());
        String version = AccessProcess.class.getPackage().getImplementationVersion();
        return new AccessNode(id, side.advertised().addr(), side.advertised().tlsAddr(), side.web().wsUrl(false),
                side.web().wsUrl(true), "", 0, System.currentTimeMillis(), version == null ? "dev" : version);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    public AccessServer access() {
        return access;
    }

    public WebFront web() {
        return web;
    }

    public void stop(Duration grace) {
        node.stop(grace);
    }
}
