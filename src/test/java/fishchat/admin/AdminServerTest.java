package fishchat.admin;

import fishchat.access.AccessOptions;
import fishchat.access.AccessServer;
import fishchat.chat.auth.HmacTokens;
import fishchat.client.ChatClient;
import fishchat.libnet.ServerOptions;
import fishchat.metrics.Metrics;
import fishchat.protocol.ErrorCode;
import fishchat.store.sqlite.SqliteStore;
import fishchat.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /healthz and /metrics over real HTTP, on an access server that really carries messages. */
class AdminServerTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

    @TempDir
    Path data;

    private static HttpResponse<String> get(AdminServer admin, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + admin.address().getPort() + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no series " + series + " in\n" + metrics);
    }

    @Test
    void metricsCountTrafficAndHealthFollowsTheStoreAndDraining() throws Exception {
        Metrics metrics = new Metrics();
        SqliteStore store = SqliteStore.open(data, Duration.ofSeconds(4));
        store.instrument(metrics);
        HmacTokens tokens = new HmacTokens(SECRET, Clock.systemUTC());
        AccessServer access = new AccessServer(ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access"),
                AccessOptions.defaults(), store, tokens, Clock.systemUTC(), metrics).start();
        ServerMetrics.register(metrics, "access", access.frameServer());
        AdminServer admin = new AdminServer(new InetSocketAddress("127.0.0.1", 0), metrics, List.of(store::problem)).start();
        try (ChatClient alice = ChatClient.connect(access.address(), null, m -> { });
             ChatClient bob = ChatClient.connect(access.address(), null, m -> { })) {
            alice.login(1, tokens.mint(1, Duration.ofHours(1)), 0);
            bob.login(2, tokens.mint(2, Duration.ofHours(1)), 0);
            for (int i = 0; i < 5; i++) {
                assertEquals(ErrorCode.OK, alice.sendP2P(2, "", "m" + i));
            }
            Await.until("bob synced", Duration.ofSeconds(5), () -> bob.lastSeq() == 5);
            assertEquals(ErrorCode.REQUEST_ERR, alice.sendP2P(0, "", "to nobody"));

            HttpResponse<String> health = get(admin, "/healthz");
            assertEquals(200, health.statusCode());
            assertEquals("ok\n", health.body());

            HttpResponse<String> scrape = get(admin, "/metrics");
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String text = scrape.body();
            assertEquals(2, value(text, "fishchat_access_sessions_open"));
            assertEquals(2, value(text, "fishchat_users_online"));
            assertEquals(5, value(text, "fishchat_messages_stored_total"));
            assertEquals(5, value(text, "fishchat_messages_delivered_total"));
            assertEquals(1, value(text, "fishchat_replies_error_total{code=\"10001\"}"));
            assertEquals(2, value(text, "fishchat_logins_total{result=\"ok\"}"));
            assertTrue(value(text, "fishchat_access_frames_in_total") >= 8); // two logins, six sends (bob is pushed, no sync)
            assertTrue(value(text, "fishchat_store_commit_seconds_count") >= 1);
            assertTrue(text.contains("# TYPE fishchat_store_commit_seconds histogram"));
            assertTrue(text.contains("fishchat_store_commit_seconds_bucket{le=\"+Inf\"}"));
            assertTrue(value(text, "fishchat_jvm_heap_used_bytes") > 0);
            assertTrue(value(text, "fishchat_jvm_threads") > 0);
            System.gc(); // the heap after GC is 0 until the first collection
            assertTrue(value(get(admin, "/metrics").body(), "fishchat_jvm_heap_after_gc_bytes") > 0);

            store.close(); // as if the disk had gone: the node can no longer take writes
            HttpResponse<String> sick = get(admin, "/healthz");
            assertEquals(503, sick.statusCode());
            assertTrue(sick.body().contains("store"), sick.body());
        } finally {
            admin.draining();
            assertEquals(503, get(admin, "/healthz").statusCode());
            assertEquals(1, value(get(admin, "/metrics").body(), "fishchat_draining"));
            admin.close();
            access.stop();
            store.close();
        }
    }

    @Test
    void theAdminPageIsServedAndItsFeedCarriesTheMetricsOncePerSecond() throws Exception {
        Metrics metrics = new Metrics();
        Metrics.Counter stored = metrics.counter("fishchat_messages_stored_total", "test");
        stored.add(7);
        AdminServer admin = new AdminServer(new InetSocketAddress("127.0.0.1", 0), metrics, List.of()).start()
                .describe("gateway", () -> List.of("127.0.0.1:11000"));
        try {
            HttpResponse<String> page = get(admin, "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("<html"), page.body());
            assertEquals(404, get(admin, "/../pom.xml").statusCode());
            assertEquals(404, get(admin, "/nothing.js").statusCode());
            // A path of 8 000 segments (16 KB, within the head limit) is a plain miss: it once overflowed
            // the stack of the regular expression that checked it, which ended the process.
            assertEquals(404, get(admin, "/a".repeat(8_000)).statusCode());
            assertEquals(200, get(admin, "/").statusCode(), "still serving");

            HttpResponse<java.util.stream.Stream<String>> feed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin.address().getPort() + "/events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals("text/event-stream; charset=utf-8", feed.headers().firstValue("Content-Type").orElse(""));
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            List<com.fasterxml.jackson.databind.JsonNode> events = new java.util.ArrayList<>();
            try (var lines = feed.body()) {
                var it = lines.iterator();
                while (events.size() < 2 && it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith("data: ")) {
                        events.add(mapper.readTree(line.substring(6)));
                        stored.inc();
                    }
                }
            }
            assertEquals("gateway", events.get(0).get("node").asText());
            assertEquals("127.0.0.1:11000", events.get(0).get("accessList").get(0).asText());
            assertEquals(7, events.get(0).get("metrics").get("fishchat_messages_stored_total").asLong());
            assertEquals(8, events.get(1).get("metrics").get("fishchat_messages_stored_total").asLong(),
                    "each event reads the metrics afresh");
            long apart = events.get(1).get("time").asLong() - events.get(0).get("time").asLong();
            // Their own times, not the reader's: the first event follows the headers at once, so a
            // reader slowed before it starts its clock would see them closer than they were sent.
            assertTrue(apart >= 900, "events come once a second, these " + apart + " ms apart");
        } finally {
            admin.close();
        }
    }
}
