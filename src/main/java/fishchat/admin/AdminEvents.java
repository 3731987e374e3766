package fishchat.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import fishchat.http.HttpChannel;
import fishchat.http.HttpResponse;
import fishchat.libnet.Connection;
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
 * on a gateway, the access list it hands out. Each open feed holds its connection's virtual
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

    /** The feed: 503 when too many are open; else an event stream that runs until the page goes or the node stops. */
    HttpResponse stream() {
        if (!feeds.tryAcquire()) {
            return HttpResponse.text(503, "too many admin feeds open");
        }
        return HttpResponse.stream("text/event-stream; charset=utf-8", this::feed).header("Cache-Control", "no-store");
    }

    private void feed(HttpChannel channel) throws IOException {
        OutputStream out = channel.out();
        Connection connection = channel.connection();
        try {
            write(connection, out, "retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            while (!closing && !connection.stopping()) {
                byte[] data = snapshot();
                byte[] event = new byte[6 + data.length + 2];
                System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, event, 0, 6);
                System.arraycopy(data, 0, event, 6, data.length);
                event[event.length - 2] = '\n';
                event[event.length - 1] = '\n';
                write(connection, out, event);
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

    /** Under the write clock: a page that stops reading is cut after the write timeout. */
    private static void write(Connection connection, OutputStream out, byte[] bytes) throws IOException {
        connection.writeStarted();
        try {
            out.write(bytes);
        } finally {
            connection.writeEnded();
        }
    }
}
