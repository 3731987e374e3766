package fishchat.node;

import fishchat.access.AccessOptions;
import fishchat.access.AccessServer;
import fishchat.admin.ServerMetrics;
import fishchat.chat.auth.TokenVerifier;
import fishchat.gateway.AccessDirectory;
import fishchat.libnet.ServerOptions;
import fishchat.metrics.Metrics;
import fishchat.store.MessageStore;
import fishchat.web.WebFront;
import fishchat.web.WebOptions;

import java.time.Clock;

/**
 * An access server and what it serves browsers (WebSocket, chat page), as parts of a node:
 * what {@code fishchat access} and {@code fishchat standalone} both run.
 */
final class AccessSide {
    record Started(AccessServer access, WebFront web, Advertised advertised) {
    }

    private AccessSide() {
    }

    /**
     * @param directory what the web front's {@code GET /access} (and a gateway in the same process) answer from
     * @param advertise the addresses handed out instead of the bound ones (each may be null)
     * @param handedOut whether the node hands its own address to clients (etcd, a gateway in the same process, a
     *                  chat page's {@code GET /access}): then a wildcard address needs an advertised one
     */
    static Started start(Node node, ServerOptions server, AccessOptions chat, MessageStore store, TokenVerifier tokens,
                         WebOptions web, AccessDirectory directory, Advertised advertise, boolean handedOut,
                         Metrics metrics, String listenFlag, String tlsListenFlag) throws Exception {
        AccessServer access = node.start("access server",
                () -> new AccessServer(server, chat, store, tokens, Clock.systemUTC(), metrics).start(),
                (running, grace) -> running.stop(grace)); // its WebSocket sessions too: they are its server's
        ServerMetrics.register(metrics, "access", access.frameServer());
        Advertised advertised = new Advertised(
                address(advertise.addr(), access.address(), handedOut, listenFlag, "--advertise"),
                address(advertise.tlsAddr(), access.frameServer().tlsAddress(), handedOut, tlsListenFlag, "--advertise-tls"));
        WebFront front = node.start("web front",
                () -> WebFront.start(access.frameServer(), web, directory, advertised.addr(), advertised.tlsAddr()),
                (running, grace) -> running.stop());
        return new Started(access, front, advertised);
    }

    private static String address(String advertised, java.net.InetSocketAddress bound, boolean handedOut, String flag,
                                  String advertiseFlag) {
        if (!handedOut && advertised == null && bound != null) {
            return fishchat.libnet.Addresses.format(bound); // nobody is told it: a wildcard is fine
        }
        return HandedOut.address(advertised, bound, flag, advertiseFlag);
    }
}
