package fishchat.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * The server side of a WebSocket opening handshake (RFC 6455 section 4.2): checks the upgrade
 * request and answers 101 with the accept key, or the status that says what is wrong (400 a
 * malformed request, 403 an origin not allowed, 426 another protocol version).
 */
public final class WebSocketHandshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketHandshake() {
    }

    /**
     * The answer to {@code request}: 101 then {@code next} on the connection when it is a valid
     * upgrade from an origin {@code originAllowed} accepts (given the Origin header, or null
     * when the client sent none).
     */
    public static HttpResponse answer(HttpRequest request, Predicate<String> originAllowed, HttpResponse.Takeover next) {
        if (!request.method().equals("GET")) {
            return HttpResponse.text(405, "a WebSocket upgrade is a GET").header("Allow", "GET");
        }
        if (!request.http11()) {
            return HttpResponse.text(400, "a WebSocket upgrade needs HTTP/1.1 (RFC 6455 4.1)");
        }
        if (!request.headerHasToken("upgrade", "websocket") || !request.headerHasToken("connection", "upgrade")) {
            return HttpResponse.text(426, "this is a WebSocket endpoint: upgrade to websocket")
                    .header("Upgrade", "websocket").header("Connection", "Upgrade");
        }
        if (!"13".equals(request.header("sec-websocket-version"))) {
            return HttpResponse.text(426, "WebSocket version 13 only").header("Sec-WebSocket-Version", "13");
        }
        String key = request.header("sec-websocket-key");
        if (!validKey(key)) {
            return HttpResponse.text(400, "missing or malformed Sec-WebSocket-Key");
        }
        if (!originAllowed.test(request.header("origin"))) {
            return HttpResponse.text(403, "origin not allowed");
        }
        return HttpResponse.upgrade(next)
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Accept", acceptKey(key));
    }

    private static boolean validKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
