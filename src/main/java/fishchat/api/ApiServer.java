package fishchat.api;

import fishchat.access.Backend;
import fishchat.chat.auth.TokenVerifier;
import fishchat.http.HttpConnections;
import fishchat.http.HttpException;
import fishchat.http.HttpHandler;
import fishchat.http.HttpResponse;
import fishchat.http.Routes;
import fishchat.libnet.Addresses;
import fishchat.libnet.ConnectionLimits;
import fishchat.libnet.Server;
import fishchat.metrics.Metrics;
import fishchat.store.StoreUnavailableException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The server API's HTTP side: a server of its own (the node's caps and rates, under the name
 * "api"), every route behind the API key, JSON in and out, every refusal as
 * {@code {"error": "..."}} with its status — those of the HTTP layer too (a body over the limit:
 * 413; a malformed request: 400). A store that cannot answer is a 503 with {@code Retry-After}, and
 * one line in the log; a client's mistake is never more than its answer.
 */
final class ApiServer {
    private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());

    /** One route: what {@link #ROUTES} lists, and the OpenAPI document must describe exactly. */
    record Endpoint(String method, String path) {
    }

    /** Every route served, in the OpenAPI document's terms; ApiServerTest holds openapi.json to it. */
    static final List<Endpoint> ROUTES = List.of(
            new Endpoint("POST", "/v1/tokens"),
            new Endpoint("POST", "/v1/users/{uid}/revoke"),
            new Endpoint("GET", "/v1/users/{uid}/presence"),
            new Endpoint("POST", "/v1/presence"),
            new Endpoint("POST", "/v1/messages"),
            new Endpoint("PUT", "/v1/groups/{id}/members/{uid}"),
            new Endpoint("DELETE", "/v1/groups/{id}/members/{uid}"),
            new Endpoint("GET", "/v1/groups/{id}/members"),
            new Endpoint("GET", "/v1/openapi.json"));

    private final Server server;
    private final InetSocketAddress address;

    private ApiServer(Server server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    static ApiServer start(InetSocketAddress bind, String key, Backend backend, TokenVerifier tokens,
                           ConnectionLimits limits, Metrics metrics) throws IOException {
        ApiKey apiKey = new ApiKey(key);
        Metrics.Counter requests = metrics.counter("fishchat_api_requests_total", "Server API requests answered, by status",
                "status");
        TokensEndpoint tokensEndpoint = new TokensEndpoint(backend, tokens);
        UsersEndpoint users = new UsersEndpoint(backend);
        MessagesEndpoint messages = new MessagesEndpoint(backend);
        GroupsEndpoint groups = new GroupsEndpoint(backend);
        OpenApiDocument document = OpenApiDocument.load();
        Guard guard = new Guard(requests);
        Routes routes = new Routes()
                .errors((status, message) -> counted(requests, Json.error(status, message)))
                .beforeBody(apiKey::check) // no body is read, nor a route looked up, for a request without the key
                .header("X-Content-Type-Options", "nosniff")
                .post("/v1/tokens", guard.wrap(tokensEndpoint::mint))
                .post("/v1/users/{uid}/revoke", guard.wrap(users::revoke))
                .get("/v1/users/{uid}/presence", guard.wrap(users::presence))
                .post("/v1/presence", guard.wrap(users::presenceOfMany))
                .post("/v1/messages", guard.wrap(messages::send))
                .put("/v1/groups/{id}/members/{uid}", guard.wrap(groups::add))
                .delete("/v1/groups/{id}/members/{uid}", guard.wrap(groups::remove))
                .get("/v1/groups/{id}/members", guard.wrap(groups::list))
                .get("/v1/openapi.json", guard.wrap(request -> document.response()));
        Server server = new Server(limits.named("api"));
        InetSocketAddress address = server.listen(bind, null, new HttpConnections(routes, maxBody(backend)));
        LOG.log(INFO, "api listening on {0} (server API, docs/API.md)", Addresses.format(address));
        return new ApiServer(server, address);
    }

    /**
     * The largest request body: a message of the node's largest text with every character escaped
     * (\\uXXXX, 6 bytes for each UTF-16 unit), plus the other fields; a presence list fits easily.
     */
    static int maxBody(Backend backend) {
        return maxBodyFor(backend.maxMessageBytes());
    }

    static int maxBodyFor(int maxMessageBytes) {
        return Math.max(64 * 1024, 6 * maxMessageBytes + 4096);
    }

    private static HttpResponse counted(Metrics.Counter requests, HttpResponse response) {
        requests.inc(Integer.toString(response.status()));
        return response;
    }

    /** A store that cannot answer as 503; every answer counted. (The key is checked before the body is read.) */
    private record Guard(Metrics.Counter requests) {
        HttpHandler wrap(HttpHandler handler) {
            return request -> {
                try {
                    return counted(requests, handler.handle(request));
                } catch (StoreUnavailableException e) {
                    LOG.log(WARNING, "api: {0}: {1}", request, e.getMessage());
                    throw new HttpException(503, "the message store cannot answer right now; try again");
                }
            };
        }
    }

    InetSocketAddress address() {
        return address;
    }

    void stop() {
        server.stop();
    }
}
