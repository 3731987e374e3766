package fishchat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import fishchat.testing.FreePorts;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver as a backend would write one (the JDK's HTTP server), on a port chosen up
 * front so that it can be down first and come up later at the same URL. It checks each batch's
 * signature the way docs/API.md tells receivers to, keeps the events of the batches it accepts,
 * and can be told to refuse (500) the next few batches, which then count as not received.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final int port;
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    final AtomicInteger badSignatures = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger refuseNext = new AtomicInteger();
    private volatile String secret;
    private HttpServer server;

    WebhookReceiver() {
        this.port = FreePorts.take();
    }

    String url() {
        return "http://127.0.0.1:" + port + "/fishchat-events";
    }

    /** Starts listening; {@code secret} is the text of the node's --webhook-secret-file. */
    void up(String secret, int refuseFirst) throws IOException {
        this.secret = secret;
        refuseNext.set(refuseFirst);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/fishchat-events", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String signature = exchange.getRequestHeaders().getFirst("X-Fishchat-Signature");
        int status;
        if (signature == null || !MessageDigest.isEqual(expected(body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            badSignatures.incrementAndGet();
            status = 401;
        } else if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            refused.incrementAndGet();
            status = 500;
        } else {
            JsonNode batch = JSON.readTree(body);
            batch.get("events").forEach(events::add);
            batches.incrementAndGet();
            status = 204;
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** The receiver's side of the recipe: sha256= + hex HMAC-SHA256(key = the secret's text, the raw body). */
    private String expected(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "type uid" of every event received, or "message.stored uid seq", in arrival order. */
    List<String> summaries() {
        return events.stream().map(WebhookReceiver::summary).toList();
    }

    static String summary(JsonNode e) {
        String type = e.get("type").asText();
        return type.equals("message.stored") ? type + " " + e.get("uid").asLong() + " " + e.get("seq").asLong()
                : type + " " + e.get("uid").asLong();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
