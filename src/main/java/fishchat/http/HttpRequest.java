package fishchat.http;

import fishchat.libnet.Connection;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as read in full: method, path, query, headers (names in lower case; a
 * repeated header's values joined with ", "), body, and the connection it came on.
 */
public final class HttpRequest {
    private final String method;
    private final String path;
    private final String query;
    private final boolean http11;
    private final Map<String, String> headers;
    private final byte[] body;
    private final Connection connection;
    private Map<String, String> pathParameters = Map.of();

    HttpRequest(String method, String path, String query, boolean http11, Map<String, String> headers, byte[] body,
                Connection connection) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.http11 = http11;
        this.headers = headers;
        this.body = body;
        this.connection = connection;
    }

    public String method() {
        return method;
    }

    /** The path as sent (not percent-decoded), e.g. {@code /v1/users/42/presence}. */
    public String path() {
        return path;
    }

    /** A header's value, or null; {@code name} in any case. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The first value of a query parameter, decoded, or null. */
    public String query(String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (decode(key).equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** A path segment a route captured ({@code {uid}} in {@code /v1/users/{uid}}), or null. */
    public String parameter(String name) {
        return pathParameters.get(name);
    }

    void pathParameters(Map<String, String> values) {
        pathParameters = values;
    }

    public byte[] body() {
        return body;
    }

    public Connection connection() {
        return connection;
    }

    /** Whether the request line said HTTP/1.1 (else 1.0). */
    boolean http11() {
        return http11;
    }

    /** Whether the client wants the connection kept open after the response (HTTP/1.1 unless it said close). */
    boolean keepAlive() {
        String value = header("connection");
        if (value == null) {
            return http11;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        return http11 ? !lower.contains("close") : lower.contains("keep-alive");
    }

    /** Whether a header holds {@code token} among its comma-separated values, in any case. */
    public boolean headerHasToken(String name, String token) {
        String value = header(name);
        if (value == null) {
            return false;
        }
        for (String part : value.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
