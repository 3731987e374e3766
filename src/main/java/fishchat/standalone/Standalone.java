package fishchat.standalone;

import fishchat.access.AccessOptions;
import fishchat.admin.ServerMetrics;
import fishchat.metrics.Metrics;
import fishchat.access.AccessServer;
import fishchat.chat.auth.TokenVerifier;
import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.gateway.GatewayServer;
import fishchat.libnet.ServerOptions;
import fishchat.store.MessageStore;
import fishchat.web.WebFront;
import fishchat.web.WebOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * Gateway, access server and embedded SQLite store in one JVM, no etcd: the gateway's
 * access list is the local access server. What {@code fishchat standalone} runs.
 */
public final class Standalone implements AutoCloseable {
    private final MessageStore store;
    private final AccessServer access;
    private final GatewayServer gateway;
    private final WebFront web;

    private Standalone(MessageStore store, AccessServer access, GatewayServer gateway, WebFront web) {
        this.store = store;
        this.access = access;
        this.gateway = gateway;
        this.web = web;
    }

    /**
     * Starts everything; the access server binds first, so that the gateway can hand out its
     * real port even when {@code accessOptions} asked for port 0.
     *
     * @param store      opened by the caller, closed by this (also when starting fails)
     * @param advertise    the access address clients are told to dial, or null for the bound one
     * @param advertiseTls the TLS access address clients of the gateway's TLS port are told to dial, or null for the bound one
     * @param web          the chat page and WebSocket addresses ({@link WebOptions#NONE}: none)
     */
    public static Standalone start(ServerOptions gatewayOptions, ServerOptions accessOptions, AccessOptions chat,
                                   MessageStore store, TokenVerifier tokens, String advertise, String advertiseTls,
                                   WebOptions web, Metrics metrics) throws IOException {
        AccessServer access = null;
        WebFront front = null;
        try {
            access = new AccessServer(accessOptions, chat, store, tokens, Clock.systemUTC(), metrics).start();
            AccessDirectory directory = new AccessDirectory(AccessList.EMPTY); // WebFront.start points it at this node
            front = WebFront.start(access.frameServer(), web, directory, handedOut(advertise, access.address()),
                    handedOut(advertiseTls, access.frameServer().tlsAddress()));
            GatewayServer gateway = new GatewayServer(gatewayOptions, directory).start();
            ServerMetrics.register(metrics, "access", access.frameServer());
            ServerMetrics.register(metrics, "gateway", gateway.frameServer());
            return new Standalone(store, access, gateway, front);
        } catch (IOException | RuntimeException e) {
            if (access != null) {
                access.stop();
            }
            if (front != null) {
                front.stop();
            }
            store.close();
            throw e;
        }
    }

    /** The address the gateway hands out: the advertised one, else the bound one; null when neither. */
    private static String handedOut(String advertised, InetSocketAddress bound) {
        return advertised != null ? advertised : bound == null ? null : bound.getHostString() + ":" + bound.getPort();
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

    /** Stops the gateway, then the access server and its web front, then closes the store (committing what is queued). */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /** As {@link #close()}, letting sessions finish the request in hand for up to {@code grace}. */
    public void close(Duration grace) {
        gateway.stop();
        access.stop(grace); // WebSocket sessions included
        web.stop();
        store.close();
    }
}
