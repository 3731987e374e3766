package fishchat.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Files from the jar under one resource folder, for GET and HEAD: {@code /} is
 * {@code index.html}, {@code /a/b.js} is {@code FOLDER/a/b.js}. Only plain names are looked up
 * (letters, digits, {@code . _ -}, no segment starting with a dot, no escapes): nothing walks
 * out of the folder. A file read once is kept (the folder's files are few and small); misses
 * are not, so asking for made-up names costs no memory.
 */
public final class StaticFiles implements HttpHandler {
    private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");

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
        byte[] body = PLAIN_PATH.matcher(path).matches() ? load(path.substring(1)) : null;
        if (body == null) {
            return HttpResponse.text(404, "not found");
        }
        return HttpResponse.of(200, contentType(path), body).header("Cache-Control", "no-cache");
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
