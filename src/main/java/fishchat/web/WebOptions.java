package fishchat.web;

import fishchat.libnet.TlsCredentials;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * How a node serves browsers; every address may be null (not served).
 *
 * @param wsBind         ws:// address of the WebSocket endpoint
 * @param wssBind        wss:// address (needs {@code tls})
 * @param tls            the node's certificate, also used by its TLS TCP port
 * @param allowedOrigins browser origins allowed to open a WebSocket; null: the chat page's own
 * @param pageBind       address of the chat page and {@code GET /access}
 * @param advertiseWs    the ws:// URL handed out instead of the bound one (behind a proxy)
 * @param advertiseWss   the wss:// URL handed out instead of the bound one
 */
public record WebOptions(InetSocketAddress wsBind, InetSocketAddress wssBind, TlsCredentials tls,
                         List<String> allowedOrigins, InetSocketAddress pageBind, String advertiseWs, String advertiseWss) {
    public static final WebOptions NONE = new WebOptions(null, null, null, null, null, null, null);

    public WebOptions {
        if (wssBind != null && tls == null) {
            throw new IllegalArgumentException("wss needs a certificate");
        }
    }

    boolean servesWebSocket() {
        return wsBind != null || wssBind != null;
    }
}
