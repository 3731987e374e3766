package fishchat.web;

import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.http.HttpConnections;
import fishchat.http.Routes;
import fishchat.libnet.Addresses;
import fishchat.libnet.FrameServer;
import fishchat.libnet.Server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * What one node serves to browsers: the WebSocket endpoint for its sessions and the chat page
 * with {@code GET /access}. Started after the node's {@link FrameServer}, stopped after it.
 * Once started it points {@code directory} at this node's WebSocket URLs, so the gateway's
 * cmd 10001 (field {@code wsAddr}) and {@code /access} hand them out with the TCP address.
 */
public final class WebFront implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebFront.class.getName());

    private final ChatPages pages;
    private final String servedWs;
    private final String servedWss;
    private final String wsUrl;
    private final String wssUrl;

    private WebFront(ChatPages pages, String servedWs, String servedWss, String wsUrl, String wssUrl) {
        this.pages = pages;
        this.servedWs = servedWs;
        this.servedWss = servedWss;
        this.wsUrl = wsUrl;
        this.wssUrl = wssUrl;
    }

    /**
     * Starts the chat page (a server of its own) and the WebSocket listeners, which join
     * {@code sessions}' server: one admission and one stop for a node's TCP and WebSocket
     * connections.
     *
     * @param addr    this node's TCP address as handed out
     * @param tlsAddr its TLS TCP address as handed out, or null
     */
    public static WebFront start(FrameServer sessions, WebOptions options, AccessDirectory directory, String addr,
                                 String tlsAddr) throws IOException {
        ChatPages pages = options.pageBind() == null ? null
                : ChatPages.start(options.pageBind(), directory, sessions.options().limits());
        String ws = null;
        String wss = null;
        try {
            if (options.servesWebSocket()) {
                AllowedOrigins origins = origins(options, pages);
                HttpConnections upgrades = new HttpConnections(new Routes()
                        .get(WebSocketEndpoint.PATH, new WebSocketEndpoint(sessions, origins)), 0);
                Server server = sessions.server();
                ws = options.wsBind() == null ? null : url("ws", server.listen(options.wsBind(), null, upgrades));
                wss = options.wssBind() == null ? null : url("wss", server.listen(options.wssBind(), options.tls(), upgrades));
                LOG.log(INFO, "{0} WebSocket listening on {1} (origins: {2})", sessions.options().name(),
                        String.join(" and ", Stream.of(ws, wss).filter(u -> u != null).toList()), origins);
            }
        } catch (IOException | RuntimeException e) {
            if (pages != null) {
                pages.stop();
            }
            throw e;
        }
        String wsUrl = options.advertiseWs() != null ? options.advertiseWs() : ws == null ? "" : ws;
        String wssUrl = options.advertiseWss() != null ? options.advertiseWss() : wss == null ? "" : wss;
        directory.replace(AccessList.of(Stream.of(new AccessList.Choice(addr, wsUrl))));
        if (tlsAddr != null) {
            directory.replaceTls(AccessList.of(Stream.of(new AccessList.Choice(tlsAddr, wssUrl))));
        }
        return new WebFront(pages, ws, wss, wsUrl, wssUrl);
    }

    private static String url(String scheme, InetSocketAddress bound) {
        return scheme + "://" + Addresses.format(bound) + WebSocketEndpoint.PATH;
    }

    /** The flag's origins, else the chat page's own (loopback: also as localhost), else none (same host and port only). */
    private static AllowedOrigins origins(WebOptions options, ChatPages pages) {
        if (options.allowedOrigins() != null) {
            return AllowedOrigins.parse(options.allowedOrigins());
        }
        if (pages == null) {
            return AllowedOrigins.parse(List.of());
        }
        InetSocketAddress page = pages.address();
        if (page.getAddress().isAnyLocalAddress()) {
            LOG.log(WARNING, "web: the chat page listens on a wildcard address, so its origin is unknown: its pages "
                    + "cannot open a WebSocket until --ws-allowed-origins names it (e.g. https://chat.example.com)");
            return AllowedOrigins.parse(List.of());
        }
        return AllowedOrigins.parse(page.getAddress().isLoopbackAddress()
                ? List.of(pages.origin(), "http://localhost:" + page.getPort()) : List.of(pages.origin()));
    }

    /** The ws:// (or, {@code secure}, wss://) URL handed out; empty when not served. */
    public String wsUrl(boolean secure) {
        return secure ? wssUrl : wsUrl;
    }

    /** The chat page's address, or null. */
    public InetSocketAddress pageAddress() {
        return pages == null ? null : pages.address();
    }

    /** For the start line: ", chat page http://…/, WebSocket ws://…" (empty when nothing is served). */
    public String describe() {
        StringBuilder line = new StringBuilder();
        if (pages != null) {
            line.append(", chat page ").append(pages.url());
        }
        if (servedWs != null || servedWss != null) {
            line.append(", WebSocket ").append(String.join(" ", Stream.of(servedWs, servedWss).filter(u -> u != null).toList()));
        }
        return line.toString();
    }

    /**
     * Stops the chat page. The WebSocket listeners belong to the node's FrameServer and stop
     * with it (stop that first: it ends the WebSocket sessions in order).
     */
    public void stop() {
        if (pages != null) {
            pages.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
