package fishchat.node;

import fishchat.access.AccessOptions;
import fishchat.access.AccessServer;
import fishchat.api.ApiOptions;
import fishchat.api.ServerApi;
import fishchat.chat.auth.TokenVerifier;
import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.gateway.GatewayServer;
import fishchat.libnet.ServerOptions;
import fishchat.metrics.Metrics;
import fishchat.store.MessageStore;
import fishchat.web.WebFront;
import fishchat.web.WebOptions;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * {@code fishchat standalone}: gateway, access server and message store in one process, no
 * etcd: the gateway hands out the local access server. Parts start in order (store, admin,
 * access server and its web front, the server API, gateway) and stop in reverse.
 */
public final class Standalone implements AutoCloseable {
    /**
     * @param advertised what clients are told to dial instead of the bound access addresses (each may be null)
     * @param web        the chat page and WebSocket addresses ({@link WebOptions#NONE}: none)
     * @param adminBind  the admin port, or null
     * @param api        the server API and webhooks ({@link ApiOptions#NONE}: neither)
     */
    public record Config(ServerOptions gateway, ServerOptions access, AccessOptions chat, TokenVerifier tokens,
                         Advertised advertised, WebOptions web, InetSocketAddress adminBind, ApiOptions api) {
        /** No TLS addresses advertised, no admin port, no server API. */
        public Config(ServerOptions gateway, ServerOptions access, AccessOptions chat, TokenVerifier tokens, WebOptions web) {
            this(gateway, access, chat, tokens, Advertised.BOUND, web, null, ApiOptions.NONE);
        }
    }

    private final Node node;
    private final MessageStore store;
    private final AccessServer access;
    private final WebFront web;
    private final GatewayServer gateway;

    private Standalone(Node node, MessageStore store, AccessServer access, WebFront web, GatewayServer gateway) {
        this.node = node;
        this.store = store;
        this.access = access;
        this.web = web;
        this.gateway = gateway;
    }

    /**
     * Starts everything; the access server binds first, so that the gateway hands out its real
     * port even when the options asked for port 0.
     *
     * @param store opened by the caller, closed by the node (also when starting fails)
     */
    public static Standalone start(Config config, MessageStore store, Metrics metrics) throws Exception {
        return Node.assemble("standalone", node -> {
            node.start("store", () -> store, (opened, grace) -> opened.close());
            AccessDirectory directory = new AccessDirectory(AccessList.EMPTY); // the web front points it at this node
            Admin.start(node, config.adminBind(), metrics, List.of(store::problem), "standalone",
                    () -> directory.current().addresses());
            AccessSide.Started side = AccessSide.start(node, config.access(), config.chat(), store, config.tokens(),
                    config.web(), directory, config.advertised(), true, metrics, "--access-listen", "--access-tls-listen");
            node.start("server API", () -> ServerApi.start(config.api(), side.access(), config.tokens(), metrics),
                    (api, grace) -> api.stop());
            GatewayServer gateway = node.start("gateway", () -> new GatewayServer(config.gateway(), directory).start(),
                    (server, grace) -> server.stop());
            fishchat.admin.ServerMetrics.register(metrics, "gateway", gateway.frameServer());
            return new Standalone(node, store, side.access(), side.web(), gateway);
        });
    }

    public InetSocketAddress gatewayAddress() {
        return gateway.address();
    }

    public InetSocketAddress accessAddress() {
        return access.address();
    }

    public AccessServer access() {
        return access;
    }

    public GatewayServer gateway() {
        return gateway;
    }

    public WebFront web() {
        return web;
    }

    public MessageStore store() {
        return store;
    }

    /** Stops everything at once, store last (committing what is queued). */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /** As {@link #close()}, letting sessions finish the request in hand for up to {@code grace}. */
    public void close(Duration grace) {
        node.stop(grace);
    }
}
