package fishchat.client;

import fishchat.libnet.TlsTrust;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * How this client reaches its access server: by asking a gateway each time (so that a
 * reconnect after a node died lands on a live one), or straight at one given address.
 */
public final class ServerRoute {
    private final InetSocketAddress gateway;
    private final InetSocketAddress access;
    private final TlsTrust tls;

    private ServerRoute(InetSocketAddress gateway, InetSocketAddress access, TlsTrust tls) {
        this.gateway = gateway;
        this.access = access;
        this.tls = tls;
    }

    /** @param tls null for plaintext */
    public static ServerRoute throughGateway(InetSocketAddress gateway, TlsTrust tls) {
        return new ServerRoute(gateway, null, tls);
    }

    /** @param tls null for plaintext */
    public static ServerRoute straightTo(InetSocketAddress access, TlsTrust tls) {
        return new ServerRoute(null, access, tls);
    }

    /** The address the user named (gateway or access server): what this device's state is kept under. */
    public String name() {
        return UnreachableServerException.format(gateway != null ? gateway : access);
    }

    public boolean isThroughGateway() {
        return gateway != null;
    }

    /**
     * Connects to an access server. A server that cannot be reached is an
     * {@link UnreachableServerException} naming it; a refusal by the server (no access
     * server known, too many connections) stays the server's {@link ChatException}.
     */
    public ChatClient connect(ChatClient.Listener listener) throws IOException {
        InetSocketAddress target = access;
        if (gateway != null) {
            InetSocketAddress gatewayNow = resolvedAgain(gateway);
            try {
                target = ChatClient.askGateway(gatewayNow, null, tls);
            } catch (ChatException refusal) {
                throw refusal;
            } catch (IOException e) {
                throw new UnreachableServerException("gateway", gatewayNow, e);
            }
        }
        InetSocketAddress accessNow = resolvedAgain(target);
        try {
            return ChatClient.connect(accessNow, null, tls, listener);
        } catch (ChatException refusal) {
            throw refusal;
        } catch (IOException e) {
            throw new UnreachableServerException(
                    gateway != null ? "access server (from gateway " + name() + ")" : "access server", accessNow, e);
        }
    }

    /** A host name is looked up again on every attempt: the server may have moved while we were away. */
    private static InetSocketAddress resolvedAgain(InetSocketAddress address) {
        return new InetSocketAddress(address.getHostString(), address.getPort());
    }
}
