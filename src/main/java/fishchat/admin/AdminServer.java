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
 * while draining or when a check fails, e.g. the store cannot take writes) and
 * {@code GET /metrics} (Prometheus text format). The JDK's HTTP server, one virtual thread
 * per exchange: no dependency for two small pages. Bind it to a private address.
 */
public final class AdminServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Metrics metrics;
    private final List<Supplier<Optional<String>>> checks;
    private volatile boolean draining;

    /** @param checks each returns why the node is unhealthy, or empty */
    public AdminServer(InetSocketAddress bind, Metrics metrics, List<Supplier<Optional<String>>> checks) throws IOException {
        this.metrics = metrics;
        this.checks = List.copyOf(checks);
        this.server = HttpServer.create(bind, 64);
        server.setExecutor(executor);
        server.createContext("/healthz", this::health);
        server.createContext("/metrics", this::metrics);
        metrics.gauge("fishchat_draining", "1 while an orderly shutdown drains this node", () -> draining ? 1 : 0);
        JvmMetrics.register(metrics); // one admin server per process: the JVM's figures once
    }

    public AdminServer start() {
        server.start();
        LOG.log(INFO, "admin listening on {0}:{1} (/healthz, /metrics)", address().getHostString(),
                String.valueOf(address().getPort()));
        return this;
    }

    public InetSocketAddress address() {
        return server.getAddress();
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
        server.stop(0);
        executor.shutdown();
    }
}
