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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Gateway, access server and embedded SQLite store in one JVM, no etcd: the gateway's
 * access list is the local access server. What {@code fishchat standalone} runs.
 */
public final class Standalone implements AutoCloseable {
    private final MessageStore store;
    private final AccessServer access;
    private final GatewayServer gateway;

    private Standalone(MessageStore store, AccessServer access, GatewayServer gateway) {
        this.store = store;
        this.access = access;
        this.gateway = gateway;
    }

    /**
     * Starts everything; the access server binds first, so that the gateway can hand out its
     * real port even when {@code accessOptions} asked for port 0.
     *
     * @param store      opened by the caller, closed by this (also when starting fails)
     * @param advertise    the access address clients are told to dial, or null for the bound one
     * @param advertiseTls the TLS access address clients of the gateway's TLS port are told to dial, or null for the bound one
     */
    public static Standalone start(ServerOptions gatewayOptions, ServerOptions accessOptions, AccessOptions chat,
                                   MessageStore store, TokenVerifier tokens, String advertise, String advertiseTls,
                                   Metrics metrics) throws IOException {
        AccessServer access = null;
        try {
            access = new AccessServer(accessOptions, chat, store, tokens, Clock.systemUTC(), metrics).start();
            List<String> address = handedOut(advertise, access.address());
            List<String> tlsAddress = handedOut(advertiseTls, access.frameServer().tlsAddress());
            GatewayServer gateway = new GatewayServer(gatewayOptions,
                    new AccessDirectory(new AccessList(address), new AccessList(tlsAddress))).start();
            ServerMetrics.register(metrics, "access", access.frameServer());
            ServerMetrics.register(metrics, "gateway", gateway.frameServer());
            return new Standalone(store, access, gateway);
        } catch (IOException | RuntimeException e) {
            if (access != null) {
                access.stop();
            }
            store.close();
            throw e;
        }
    }

    /** The address the gateway hands out: the advertised one, else the bound one; none when neither. */
    private static List<String> handedOut(String advertised, InetSocketAddress bound) {
        if (advertised != null) {
            return List.of(advertised);
        }
        return bound == null ? List.of() : List.of(bound.getHostString() + ":" + bound.getPort());
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

    public MessageStore store() {
        return store;
    }

    /** Stops the gateway, then the access server, then closes the store (committing what is queued). */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /** As {@link #close()}, letting sessions finish the request in hand for up to {@code grace}. */
    public void close(Duration grace) {
        gateway.stop();
        access.stop(grace);
        store.close();
    }
}
