package fishchat.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import fishchat.metrics.Metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.INFO;

/**
 * The operator's port: {@code GET /healthz} (200 "ok" while serving; 503 with the reason
 * while draining or when a check fails, e.g. the store cannot take writes),
 * {@code GET /metrics} (Prometheus text format), and the admin page at {@code /} (built from
 * {@code web/src/admin} into the jar) fed by {@code GET /events} ({@link AdminEvents}). The
 * JDK's HTTP server, one virtual thread per exchange. Bind it to a private address: nothing
 * here asks who is looking.
 */
public final class AdminServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    private static final String PAGE = "fishchat/web/admin";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Metrics metrics;
    private final List<Supplier<Optional<String>>> checks;
    private final AdminEvents events;
    private volatile boolean draining;

    /** @param checks each returns why the node is unhealthy, or empty */
    public AdminServer(InetSocketAddress bind, Metrics metrics, List<Supplier<Optional<String>>> checks) throws IOException {
        this.metrics = metrics;
        this.checks = List.copyOf(checks);
        this.server = HttpServer.create(bind, 64);
        server.setExecutor(executor);
        server.createContext("/healthz", this::health);
        server.createContext("/metrics", this::metrics);
        this.events = new AdminEvents(metrics);
        server.createContext("/events", exchange -> {
            if (allowGet(exchange)) {
                events.stream(exchange);
            }
        });
        server.createContext("/", this::page);
        metrics.gauge("fishchat_draining", "1 while an orderly shutdown drains this node", () -> draining ? 1 : 0);
        JvmMetrics.register(metrics); // one admin server per process: the JVM's figures once
    }

    public AdminServer start() {
        server.start();
        LOG.log(INFO, "admin listening on {0}:{1} (/ page, /healthz, /metrics, /events)", address().getHostString(),
                String.valueOf(address().getPort()));
        return this;
    }

    public InetSocketAddress address() {
        return server.getAddress();
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

    private void health(HttpExchange exchange) throws IOException {
        if (!allowGet(exchange)) {
            return;
        }
        String problem = draining ? "draining" : null;
        for (int i = 0; problem == null && i < checks.size(); i++) {
            problem = checks.get(i).get().orElse(null);
        }
        respond(exchange, problem == null ? 200 : 503, "text/plain; charset=utf-8", (problem == null ? "ok" : problem) + "\n");
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (allowGet(exchange)) {
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
        }
    }

    /** The admin page's files, from the jar; "/" is its index. Only plain file names: no path walks. */
    private void page(HttpExchange exchange) throws IOException {
        if (!allowGet(exchange)) {
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String name = path.equals("/") ? "index.html" : path.substring(1);
        byte[] body = null;
        if (name.matches("[A-Za-z0-9_-]+\\.(html|js|css|json|svg|png)")) {
            try (var in = AdminServer.class.getClassLoader().getResourceAsStream(PAGE + "/" + name)) {
                body = in == null ? null : in.readAllBytes();
            }
        }
        if (body == null) {
            respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", contentType(name));
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        // The page's own files only: nothing inline, nothing from elsewhere, not framed.
        exchange.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    private static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return switch (extension) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json" -> "application/json";
            case "svg" -> "image/svg+xml";
            default -> "image/png";
        };
    }

    private static boolean allowGet(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD")) {
            return true;
        }
        respond(exchange, 405, "text/plain; charset=utf-8", "GET only\n");
        return false;
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        events.close();
        server.stop(0);
        executor.shutdown();
    }
}
