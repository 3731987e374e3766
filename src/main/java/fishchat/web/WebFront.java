package fishchat.web;

import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.libnet.FrameServer;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;

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
    private final WebSocketServer sockets;
    private final String wsUrl;
    private final String wssUrl;

    private WebFront(ChatPages pages, WebSocketServer sockets, String wsUrl, String wssUrl) {
        this.pages = pages;
        this.sockets = sockets;
        this.wsUrl = wsUrl;
        this.wssUrl = wssUrl;
    }

    /**
     * @param addr    this node's TCP address as handed out
     * @param tlsAddr its TLS TCP address as handed out, or null
     */
    public static WebFront start(FrameServer sessions, WebOptions options, AccessDirectory directory, String addr,
                                 String tlsAddr) {
        ChatPages pages = options.pageBind() == null ? null : ChatPages.start(options.pageBind(), directory);
        WebSocketServer sockets = null;
        try {
            if (options.servesWebSocket()) {
                sockets = WebSocketServer.start(sessions, options.wsBind(), options.wssBind(), options.tls(),
                        origins(options, pages));
            }
        } catch (RuntimeException e) {
            if (pages != null) {
                pages.stop();
            }
            throw e;
        }
        String wsUrl = handedOut(options.advertiseWs(), sockets, false);
        String wssUrl = handedOut(options.advertiseWss(), sockets, true);
        directory.replace(AccessList.of(Stream.of(new AccessList.Choice(addr, wsUrl))));
        if (tlsAddr != null) {
            directory.replaceTls(AccessList.of(Stream.of(new AccessList.Choice(tlsAddr, wssUrl))));
        }
        return new WebFront(pages, sockets, wsUrl, wssUrl);
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

    /** The URL handed out: the advertised one, else the served one; empty when neither. */
    private static String handedOut(String advertised, WebSocketServer sockets, boolean secure) {
        String served = sockets == null ? null : sockets.url(secure);
        return advertised != null ? advertised : served == null ? "" : served;
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
        if (sockets != null) {
            line.append(", WebSocket ").append(String.join(" ", Stream.of(sockets.url(false), sockets.url(true))
                    .filter(u -> u != null).toList()));
        }
        return line.toString();
    }

    /** Stops the page and the WebSocket listener; stop the node's FrameServer first (it ends WebSocket sessions in order). */
    public void stop() {
        if (sockets != null) {
            sockets.stop();
        }
        if (pages != null) {
            pages.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
