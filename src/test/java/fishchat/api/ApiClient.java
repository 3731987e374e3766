package fishchat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls the server API over HTTP as a backend would (java.net.http), with or without a key. */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: its status, its JSON body (null when it has none or it is not JSON), its raw response. */
    record Answer(int status, JsonNode json, HttpResponse<String> raw) {
        String error() {
            return json == null || json.get("error") == null ? null : json.get("error").asText();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String key;

    ApiClient(InetSocketAddress address, String key) {
        this.base = URI.create("http://127.0.0.1:" + address.getPort());
        this.key = key;
    }

    String host() {
        return base.getHost();
    }

    int port() {
        return base.getPort();
    }

    /** The same server with another key (null: no Authorization header). */
    ApiClient withKey(String other) {
        return new ApiClient(new InetSocketAddress("127.0.0.1", base.getPort()), other);
    }

    Answer get(String path) throws IOException, InterruptedException {
        return call("GET", path, null);
    }

    Answer post(String path, String body) throws IOException, InterruptedException {
        return call("POST", path, body);
    }

    Answer call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (IOException notJson) {
            // left null: the test says what it expected
        }
        return new Answer(response.statusCode(), json, response);
    }

    /** POST with a JSON body made from an object (a Map, a List). */
    Answer postJson(String path, Object body) throws IOException, InterruptedException {
        return post(path, JSON.writeValueAsString(body));
    }
}
