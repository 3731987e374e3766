package fishchat.web;

import fishchat.libnet.FrameServer;
import fishchat.libnet.TlsCredentials;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;

import java.net.InetSocketAddress;

import static java.lang.System.Logger.Level.INFO;

/**
 * The WebSocket way into an access server: {@code ws://HOST:PORT/ws} (and {@code wss://} on a
 * second address with the node's TLS certificate). Each binary WebSocket message is one frame
 * body of the client protocol; the connection becomes a session of the node's
 * {@link FrameServer}, with its caps, rates, timeouts and handler. Helidon SE's WebServer does
 * the HTTP upgrade and the WebSocket framing, one virtual thread per connection.
 */
public final class WebSocketServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebSocketServer.class.getName());
    public static final String PATH = "/ws";
    private static final String TLS_LISTENER = "wss";

    private final WebServer server;
    private final InetSocketAddress address;
    private final InetSocketAddress tlsAddress;

    private WebSocketServer(WebServer server, InetSocketAddress address, InetSocketAddress tlsAddress) {
        this.server = server;
        this.address = address;
        this.tlsAddress = tlsAddress;
    }

    /**
     * Binds and starts serving.
     *
     * @param bind     the ws:// address, or null for none
     * @param tlsBind  the wss:// address, or null for none (then {@code tls} is unused)
     * @param sessions the node's server: admission and sessions are its
     */
    public static WebSocketServer start(FrameServer sessions, InetSocketAddress bind, InetSocketAddress tlsBind,
                                        TlsCredentials tls, AllowedOrigins origins) {
        if (bind == null && tlsBind == null) {
            throw new IllegalArgumentException("a WebSocket server needs an address");
        }
        int maxBody = sessions.options().maxFrameBody();
        WsConfig protocol = WsConfig.builder().name("websocket").maxFrameLength(maxBody).origins(origins.origins()).build();
        WebServerConfig.Builder config = WebServer.builder().shutdownHook(false);
        InetSocketAddress main = bind != null ? bind : tlsBind;
        configure(config, main, protocol, routing(sessions, maxBody), sessions.options().maxConnections());
        if (bind == null) {
            config.tls(HelidonServers.tls(tls.context()));
        } else if (tlsBind != null) {
            ListenerConfig.Builder listener = ListenerConfig.builder().name(TLS_LISTENER)
                    .tls(HelidonServers.tls(tls.context()));
            configure(listener, tlsBind, protocol, routing(sessions, maxBody), sessions.options().maxConnections());
            config.putSocket(TLS_LISTENER, listener.build());
        }
        WebServer server = config.build().start();
        InetSocketAddress address = bind == null ? null : HelidonServers.bound(bind, server.port());
        InetSocketAddress tlsAddress = tlsBind == null ? null
                : HelidonServers.bound(tlsBind, bind == null ? server.port() : server.port(TLS_LISTENER));
        if (tlsBind != null) {
            HelidonServers.followReloads(server, bind == null ? WebServer.DEFAULT_SOCKET_NAME : TLS_LISTENER, tls);
        }
        WebSocketServer started = new WebSocketServer(server, address, tlsAddress);
        LOG.log(INFO, "{0} WebSocket listening on {1}{2} (origins: {3})", sessions.options().name(),
                address == null ? "" : started.url(false), tlsAddress == null ? "" : (address == null ? "" : " and ") + started.url(true),
                origins);
        return started;
    }

    private static WsRouting.Builder routing(FrameServer sessions, int maxBody) {
        return WsRouting.builder().endpoint(PATH, new WebSocketEndpoint(sessions, maxBody)); // no per-connection state
    }

    private static void configure(ListenerConfig.BuilderBase<?, ?> listener, InetSocketAddress bind, WsConfig protocol,
                                  WsRouting.Builder routing, int maxConnections) {
        listener.host(bind.getHostString()).port(bind.getPort())
                .addProtocol(protocol)
                .addRouting(routing)
                // As on TCP: small frames (a reply, then a push) go out at once, not after a delayed ACK.
                .connectionOptions(options -> options.tcpNoDelay(true))
                // Connections not yet upgraded are not sessions, so the node's caps do not see them
                // (nor its handshake timeout: Helidon's idle sweep closes them after 5 minutes);
                // bound their number at least.
                .maxTcpConnections(maxConnections)
                // Helidon's blocking socket keeps one 8 KiB read buffer per connection; its NIO
                // socket (the default) two, read and write: 8 KiB less per idle browser session.
                .useNio(false);
    }

    /** The ws:// address, or null when it serves only wss. */
    public InetSocketAddress address() {
        return address;
    }

    /** The wss:// address, or null. */
    public InetSocketAddress tlsAddress() {
        return tlsAddress;
    }

    /** The URL browsers dial: {@code ws://host:port/ws} (or {@code wss://…} for {@code secure}); null when not served. */
    public String url(boolean secure) {
        InetSocketAddress a = secure ? tlsAddress : address;
        return a == null ? null : (secure ? "wss://" : "ws://") + HelidonServers.authority(a) + PATH;
    }

    /** Stops accepting and closes what is left. Stop the node's FrameServer first: it ends the sessions in order. */
    public void stop() {
        server.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
