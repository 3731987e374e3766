package fishchat.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files from the jar under one resource folder, for GET and HEAD: {@code /} is
 * {@code index.html}, {@code /a/b.js} is {@code FOLDER/a/b.js}. Only plain names are looked up
 * (letters, digits, {@code . _ -}, no segment starting with a dot, no escapes): nothing walks
 * out of the folder. A file read once is kept (the folder's files are few and small); misses
 * are not, so asking for made-up names costs no memory.
 */
public final class StaticFiles implements HttpHandler {
    private final String folder;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public StaticFiles(String folder) {
        this.folder = folder;
    }

    /** Whether the folder has {@code index.html}: a build without the pages has none. */
    public boolean present() {
        return StaticFiles.class.getClassLoader().getResource(folder + "/index.html") != null;
    }

    @Override
    public HttpResponse handle(HttpRequest request) throws IOException {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return HttpResponse.text(405, "method not allowed").header("Allow", "GET, HEAD");
        }
        String path = request.path().equals("/") ? "/index.html" : request.path();
        byte[] body = plain(path) ? load(path.substring(1)) : null;
        if (body == null) {
            return HttpResponse.text(404, "not found");
        }
        return HttpResponse.of(200, contentType(path), body).header("Cache-Control", "no-cache");
    }

    /**
     * Whether {@code path} is {@code /segment(/segment)*} of letters, digits and {@code . _ -},
     * no segment empty or starting with a dot. A loop, not a regular expression: the JDK's
     * matcher recurses once per repetition of a group, and a path of a few thousand segments
     * overflowed the stack.
     */
    static boolean plain(String path) {
        if (path.isEmpty()) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/') {
                if (i + 1 == path.length() || path.charAt(i + 1) == '/' || path.charAt(i + 1) == '.') {
                    return false; // an empty segment, or one starting with a dot
                }
            } else if (i == 0 || !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private byte[] load(String name) throws IOException {
        byte[] cached = cache.get(name);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(folder + "/" + name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            cache.put(name, bytes);
            return bytes;
        }
    }

    static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return switch (extension) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "txt" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }
}
