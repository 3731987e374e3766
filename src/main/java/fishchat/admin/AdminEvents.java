package fishchat.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import fishchat.metrics.Metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * {@code GET /events}: the admin page's live feed, as Server-Sent Events. Once a second, one
 * event with the node's metrics (the same values as {@code /metrics}, keyed by series) and,
 * on a gateway, the access list it hands out. Each open feed holds the exchange's virtual
 * thread; a few at a time are allowed (operators, not the public, watch a node).
 */
final class AdminEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_FEEDS = 16;
    private static final long PERIOD_MILLIS = 1000;

    private final Metrics metrics;
    private final Semaphore feeds = new Semaphore(MAX_FEEDS);
    private volatile String role = "node";
    private volatile Supplier<List<String>> accessList;
    private volatile boolean closing;

    AdminEvents(Metrics metrics) {
        this.metrics = metrics;
    }

    void describe(String role, Supplier<List<String>> accessList) {
        this.role = role;
        this.accessList = accessList;
    }

    void close() {
        closing = true;
    }

    /** The event data: also what a test or a script may read once. */
    byte[] snapshot() throws IOException {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("time", System.currentTimeMillis());
        event.put("node", role);
        Map<String, Object> values = new LinkedHashMap<>();
        // JSON has no Infinity or NaN: such values (e.g. a +Inf bucket bound's count is finite,
        // but a gauge may not be) go out as null.
        metrics.samples().forEach((series, value) -> values.put(series, Double.isFinite(value) ? value : null));
        event.put("metrics", values);
        Supplier<List<String>> list = accessList;
        if (list != null) {
            event.put("accessList", list.get());
        }
        return JSON.writeValueAsBytes(event);
    }

    void stream(HttpExchange exchange) throws IOException {
        if (!feeds.tryAcquire()) {
            byte[] busy = "too many admin feeds open\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, busy.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(busy);
            }
            return;
        }
        try (OutputStream out = exchange.getResponseBody()) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            while (!closing) {
                out.write("data: ".getBytes(StandardCharsets.UTF_8));
                out.write(snapshot());
                out.write("\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(PERIOD_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The page went away: the usual end of a feed.
        } finally {
            feeds.release();
        }
    }
}
