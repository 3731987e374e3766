package fishchat.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.http.HttpConnections;
import fishchat.http.HttpRequest;
import fishchat.http.HttpResponse;
import fishchat.http.Routes;
import fishchat.http.StaticFiles;
import fishchat.libnet.Addresses;
import fishchat.libnet.ConnectionLimits;
import fishchat.libnet.Server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The browser chat page (built from {@code web/} into the jar under {@code fishchat/web/chat})
 * and {@code GET /access}, which tells a page which access server to use as JSON
 * ({@code {"addr": "host:port", "wsUrl": "ws://host:port/ws"}}; {@code ?tls=1} for the TLS
 * ones), so a page finds a node without speaking protobuf to the gateway. The answer comes from
 * the same {@link AccessDirectory} as the gateway's cmd 10001. A server of its own, with the
 * node's caps, rates and timeouts.
 */
public final class ChatPages implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ChatPages.class.getName());
    static final String ASSETS = "fishchat/web/chat";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Scripts and styles from the page's own files only (no inline script: the usual way a
     * message that got rendered as HTML would run); sockets to any ws/wss host (the access
     * server is another address); 'unsafe-eval' because protobufjs compiles its codecs with
     * new Function.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'unsafe-eval'; "
            + "style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    private final Server server;
    private final InetSocketAddress address;

    private ChatPages(Server server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    public static ChatPages start(InetSocketAddress bind, AccessDirectory directory, ConnectionLimits limits)
            throws IOException {
        StaticFiles files = new StaticFiles(ASSETS);
        if (!files.present()) {
            LOG.log(WARNING, "web: the chat page is not in this build ({0}/index.html missing: built by npm in web/); "
                    + "serving /access only", ASSETS);
        }
        Routes routes = new Routes()
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .get("/access", request -> access(directory, request))
                .fallback(files);
        Server server = new Server(limits.named("web"));
        InetSocketAddress address = server.listen(bind, null, new HttpConnections(routes, 0));
        ChatPages pages = new ChatPages(server, address);
        LOG.log(INFO, "web: chat page on {0}", pages.url());
        return pages;
    }

    private static HttpResponse access(AccessDirectory directory, HttpRequest request) throws IOException {
        String tlsParameter = request.query("tls");
        boolean tls = "1".equals(tlsParameter) || "true".equals(tlsParameter);
        Optional<AccessList.Choice> choice = directory.current(tls).pick();
        HttpResponse response = choice.isEmpty()
                ? HttpResponse.json(503, JSON.writeValueAsBytes(Map.of("error", "no access server available")))
                : HttpResponse.json(200, JSON.writeValueAsBytes(Map.of("addr", choice.get().addr(), "wsUrl", choice.get().wsUrl())));
        // Public facts, asked for by pages of any origin (a page may be served elsewhere).
        return response.header("Access-Control-Allow-Origin", "*").header("Cache-Control", "no-store");
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The page's origin, {@code http://host:port}, as a browser sends it with a WebSocket upgrade. */
    public String origin() {
        return "http://" + Addresses.format(address);
    }

    /** The page's URL. */
    public String url() {
        return origin() + "/";
    }

    public void stop() {
        server.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
