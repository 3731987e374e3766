package fishchat.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A response: status, headers and a body sent with its length; or a response after which the
 * handler keeps the connection ({@link #upgrade}: 101, then another protocol; {@link #stream}:
 * a body written as it comes, e.g. Server-Sent Events, ended by closing the connection).
 */
public final class HttpResponse {
    /** What runs on the connection once the response head is out. */
    @FunctionalInterface
    public interface Takeover {
        void run(HttpChannel channel) throws IOException;
    }

    private final int status;
    private final byte[] body;
    private final List<String[]> headers = new ArrayList<>();
    private final Takeover takeover;
    private final boolean upgrade;

    private HttpResponse(int status, byte[] body, Takeover takeover, boolean upgrade) {
        this.status = status;
        this.body = body;
        this.takeover = takeover;
        this.upgrade = upgrade;
    }

    public static HttpResponse of(int status, String contentType, byte[] body) {
        return new HttpResponse(status, body, null, false).header("Content-Type", contentType);
    }

    /** A plain-text response, e.g. an error's few words. */
    public static HttpResponse text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse json(int status, byte[] json) {
        return of(status, "application/json", json);
    }

    /** 101 Switching Protocols; then {@code next} owns the connection, which is idle until the new protocol's first unit. */
    public static HttpResponse upgrade(Takeover next) {
        return new HttpResponse(101, null, next, true);
    }

    /**
     * 200 with a body of unknown length that {@code writer} writes as it comes; the connection
     * closes when it returns. The connection counts as busy meanwhile: only the write timeout
     * applies to it.
     */
    public static HttpResponse stream(String contentType, Takeover writer) {
        return new HttpResponse(200, null, writer, false).header("Content-Type", contentType);
    }

    public HttpResponse header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    public int status() {
        return status;
    }

    /** The body, or null for an upgrade or a stream. */
    public byte[] body() {
        return body;
    }

    /** A header's value as set, or null. */
    public String header(String name) {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                return header[1];
            }
        }
        return null;
    }

    List<String[]> headers() {
        return headers;
    }

    Takeover takeover() {
        return takeover;
    }

    boolean isUpgrade() {
        return upgrade;
    }

    static String reason(int status) {
        return switch (status) {
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }
}
