package fishchat.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.StaticContentService;

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
 * the same {@link AccessDirectory} as the gateway's cmd 10001.
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

    private final WebServer server;
    private final InetSocketAddress address;

    private ChatPages(WebServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    public static ChatPages start(InetSocketAddress bind, AccessDirectory directory) {
        if (ChatPages.class.getClassLoader().getResource(ASSETS + "/index.html") == null) {
            LOG.log(WARNING, "web: the chat page is not in this build ({0}/index.html missing: built by npm in web/); "
                    + "serving /access only", ASSETS);
        }
        WebServer server = WebServer.builder().shutdownHook(false)
                .host(bind.getHostString()).port(bind.getPort())
                .routing(routing -> routing
                        .addFilter((chain, request, response) -> {
                            response.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
                            response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
                            response.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
                            chain.proceed();
                        })
                        .get("/access", (request, response) -> access(directory, request, response))
                        .register("/", StaticContentService.builder(ASSETS).welcomeFileName("index.html").build()))
                .build().start();
        InetSocketAddress address = HelidonServers.bound(bind, server.port());
        ChatPages pages = new ChatPages(server, address);
        LOG.log(INFO, "web: chat page on {0}", pages.url());
        return pages;
    }

    private static void access(AccessDirectory directory, ServerRequest request, ServerResponse response) throws Exception {
        boolean tls = request.query().first("tls").map(v -> v.equals("1") || v.equals("true")).orElse(false);
        Optional<AccessList.Choice> choice = directory.current(tls).pick();
        // Public facts, asked for by pages of any origin (a page may be served elsewhere).
        response.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (choice.isEmpty()) {
            response.status(Status.SERVICE_UNAVAILABLE_503)
                    .send(JSON.writeValueAsBytes(Map.of("error", "no access server available")));
            return;
        }
        response.send(JSON.writeValueAsBytes(Map.of("addr", choice.get().addr(), "wsUrl", choice.get().wsUrl())));
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The page's origin, {@code http://host:port}, as a browser sends it with a WebSocket upgrade. */
    public String origin() {
        return "http://" + HelidonServers.authority(address);
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
