package fishchat.admin;

import fishchat.libnet.ArrivingBytes;
import fishchat.http.HttpConnections;
import fishchat.http.HttpRequest;
import fishchat.http.HttpResponse;
import fishchat.http.Routes;
import fishchat.http.StaticFiles;
import fishchat.libnet.Addresses;
import fishchat.libnet.ConnectionLimits;
import fishchat.libnet.Server;
import fishchat.metrics.Metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.INFO;

/**
 * The operator's port: {@code GET /healthz} (200 "ok" while serving; 503 with the reason
 * while draining or when a check fails, e.g. the store cannot take writes),
 * {@code GET /metrics} (Prometheus text format), and the admin page at {@code /} (built from
 * {@code web/src/admin} into the jar) fed by {@code GET /events} ({@link AdminEvents}). A
 * server of its own, with small caps: operators and scrapers use it, not the public. Bind it
 * to a private address: nothing here asks who is looking.
 */
public final class AdminServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    private static final String PAGE = "fishchat/web/admin";
    /** Scrapers, probes and a few pages: a cap and a rate that no operator reaches and a flood hits at once. */
    private static final ConnectionLimits LIMITS = new ConnectionLimits(64, 256, 32, 200, 50,
            Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(10), "admin");

    private final InetSocketAddress bind;
    private final Metrics metrics;
    private final List<Supplier<Optional<String>>> checks;
    private final AdminEvents events;
    private final Server server = new Server(LIMITS);
    private InetSocketAddress address;
    private volatile boolean draining;

    /** @param checks each returns why the node is unhealthy, or empty */
    public AdminServer(InetSocketAddress bind, Metrics metrics, List<Supplier<Optional<String>>> checks) {
        this.bind = bind;
        this.metrics = metrics;
        this.checks = List.copyOf(checks);
        this.events = new AdminEvents(metrics);
        metrics.gauge("fishchat_draining", "1 while an orderly shutdown drains this node", () -> draining ? 1 : 0);
        JvmMetrics.register(metrics); // one admin server per process: the JVM's figures once
        metrics.gauge("fishchat_incomplete_request_bytes",
                "Bytes held by requests still arriving (bodies past their first step, long heads), node-wide",
                ArrivingBytes.NODE::held);
        metrics.gauge("fishchat_incomplete_request_limit_bytes",
                "The most they may hold (an eighth of the heap); a request that would go over it ends its connection",
                ArrivingBytes.NODE::limit);
        metrics.gauge("fishchat_incomplete_request_sources",
                "Source addresses (IPv6: /64s) holding incomplete requests; each may hold a sixteenth of the limit (at least 1 MiB)",
                ArrivingBytes.NODE::sourcesHolding);
    }

    public AdminServer start() throws IOException {
        StaticFiles page = new StaticFiles(PAGE);
        Routes routes = new Routes()
                // The page's own files only: nothing inline, nothing from elsewhere, not framed.
                .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .get("/healthz", request -> health())
                .get("/metrics", request -> HttpResponse.of(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.render().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .get("/events", request -> events.stream())
                .fallback(request -> pageFile(page, request));
        address = server.listen(bind, null, new HttpConnections(routes, 0));
        LOG.log(INFO, "admin listening on {0} (/ page, /healthz, /metrics, /events)", Addresses.format(address));
        return this;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** What the admin page shows as this node's role, and (gateways) the access list it hands out. */
    public AdminServer describe(String role, Supplier<List<String>> accessList) {
        events.describe(role, accessList);
        return this;
    }

    /** From now on /healthz answers 503: load balancers stop sending new clients. */
    public void draining() {
        draining = true;
    }

    private HttpResponse health() {
        String problem = draining ? "draining" : null;
        for (int i = 0; problem == null && i < checks.size(); i++) {
            problem = checks.get(i).get().orElse(null);
        }
        return HttpResponse.text(problem == null ? 200 : 503, problem == null ? "ok" : problem);
    }

    /** The admin page's files; only GET and HEAD (405 else), no-cache: a new build shows at once. */
    private static HttpResponse pageFile(StaticFiles page, HttpRequest request) throws IOException {
        HttpResponse response = page.handle(request);
        return response.status() == 405 ? HttpResponse.text(405, "GET only").header("Allow", "GET, HEAD") : response;
    }

    @Override
    public void close() {
        events.close();
        server.stop();
    }
}
