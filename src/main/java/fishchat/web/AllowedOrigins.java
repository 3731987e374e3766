package fishchat.web;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web origins may open a WebSocket: a browser sends its page's origin with the upgrade,
 * so a page on another site cannot borrow a user's browser to talk to us (an upgrade from
 * another origin gets 403). An Origin must be one of these, or, when there are none, name the
 * same host and port as the request's Host. Clients that send no Origin (not browsers: bots,
 * the bench, native apps) are not checked: they could send any.
 *
 * @param origins {@code scheme://host[:port]} entries as browsers send them (lower case, no
 *                default port, no path)
 */
public record AllowedOrigins(Set<String> origins) {
    public AllowedOrigins {
        origins = Set.copyOf(origins);
    }

    /** From a flag's list of origins such as {@code https://chat.example.com}. */
    public static AllowedOrigins parse(List<String> entries) {
        return new AllowedOrigins(entries.stream().map(String::trim).filter(e -> !e.isEmpty())
                .map(AllowedOrigins::normalize).collect(Collectors.toSet()));
    }

    /** Whether an upgrade with this Origin header (null: none sent) to this Host header may proceed. */
    public boolean allows(String origin, String host) {
        if (origin == null) {
            return true;
        }
        String normalized;
        try {
            normalized = normalize(origin);
        } catch (IllegalArgumentException e) {
            return false; // "null" (a sandboxed page, a file://) or garbage
        }
        if (!origins.isEmpty()) {
            return origins.contains(normalized);
        }
        return host != null && URI.create(normalized).getRawAuthority().equalsIgnoreCase(host.trim());
    }

    private static String normalize(String origin) {
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || uri.getHost() == null
                || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
            throw new IllegalArgumentException("origin '" + origin + "' must look like scheme://host[:port]");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    @Override
    public String toString() {
        return origins.isEmpty() ? "same host and port only" : String.join(",", origins.stream().sorted().toList());
    }
}
