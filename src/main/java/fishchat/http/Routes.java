package fishchat.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which handler answers which request: a method and a path pattern whose {@code {name}}
 * segments capture one path segment each ({@code /v1/users/{uid}/presence}), tried in the order
 * added; GET routes answer HEAD too. A path no route has is the fallback's (e.g. static files),
 * else 404; a known path with another method gets 405. Headers set here go on every response.
 */
public final class Routes {
    private record Route(String method, String[] segments, HttpHandler handler) {
    }

    /** How these routes word a refusal: a status and a few words, as text unless told otherwise. */
    @FunctionalInterface
    public interface ErrorFormat {
        HttpResponse response(int status, String message);
    }

    /** A check of a request's head (line and headers), before its body is read. */
    @FunctionalInterface
    public interface HeadCheck {
        /** Returns when the request may go on; throws the refusal otherwise. */
        void check(HttpRequest head) throws HttpException;
    }

    private final List<Route> routes = new ArrayList<>();
    private final List<String[]> commonHeaders = new ArrayList<>();
    private HttpHandler fallback;
    private ErrorFormat errors = HttpResponse::text;
    private HeadCheck beforeBody = head -> { };

    public Routes get(String pattern, HttpHandler handler) {
        return add("GET", pattern, handler);
    }

    public Routes post(String pattern, HttpHandler handler) {
        return add("POST", pattern, handler);
    }

    public Routes put(String pattern, HttpHandler handler) {
        return add("PUT", pattern, handler);
    }

    public Routes delete(String pattern, HttpHandler handler) {
        return add("DELETE", pattern, handler);
    }

    public Routes add(String method, String pattern, HttpHandler handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route's path starts with /: " + pattern);
        }
        routes.add(new Route(method, segments(pattern), handler));
        return this;
    }

    /** Answers every path no route has (it sees every method). */
    public Routes fallback(HttpHandler handler) {
        fallback = handler;
        return this;
    }

    /**
     * How every refusal of these routes is written: a path no route has (without a fallback), a
     * method a path does not take, an {@link HttpException} from a handler, and requests the
     * connection refuses before any route sees them (malformed, too large) — e.g. as JSON for an API.
     */
    public Routes errors(ErrorFormat format) {
        errors = format;
        return this;
    }

    /** A refusal in these routes' format, with their common headers. */
    HttpResponse error(int status, String message) {
        return withCommonHeaders(errors.response(status, message));
    }

    /**
     * A check every request passes before its body is read, e.g. an API key: a client that
     * fails it makes the server hold none of its body (the refusal is written, the rest of
     * what it sends is read and dropped, within bounds).
     */
    public Routes beforeBody(HeadCheck check) {
        beforeBody = check;
        return this;
    }

    void checkHead(HttpRequest head) throws HttpException {
        beforeBody.check(head);
    }

    /** A header for every response of these routes (e.g. a Content-Security-Policy). */
    public Routes header(String name, String value) {
        commonHeaders.add(new String[] {name, value});
        return this;
    }

    HttpResponse route(HttpRequest request) throws IOException {
        String[] path = segments(request.path());
        String method = request.method().equals("HEAD") ? "GET" : request.method();
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> captured = match(route.segments, path);
            if (captured == null) {
                continue;
            }
            if (route.method.equals(method)) {
                request.pathParameters(captured);
                return withCommonHeaders(route.handler.handle(request));
            }
            allowed.add(route.method);
        }
        if (!allowed.isEmpty()) {
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            return error(405, "method not allowed").header("Allow", String.join(", ", allowed));
        }
        if (fallback != null) {
            return withCommonHeaders(fallback.handle(request));
        }
        return error(404, "not found");
    }

    HttpResponse withCommonHeaders(HttpResponse response) {
        for (String[] header : commonHeaders) {
            if (response.header(header[0]) == null) {
                response.header(header[0], header[1]);
            }
        }
        return response;
    }

    private static String[] segments(String path) {
        return path.length() <= 1 ? new String[0] : path.substring(1).split("/", -1);
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> captured = null;
        for (int i = 0; i < pattern.length; i++) {
            String part = pattern[i];
            if (part.length() > 2 && part.startsWith("{") && part.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                if (captured == null) {
                    captured = new HashMap<>();
                }
                captured.put(part.substring(1, part.length() - 1), path[i]);
            } else if (!part.equals(path[i])) {
                return null;
            }
        }
        return captured == null ? Map.of() : captured;
    }
}
