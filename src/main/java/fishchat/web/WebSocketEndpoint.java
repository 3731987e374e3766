package fishchat.web;

import fishchat.http.HttpRequest;
import fishchat.http.HttpResponse;
import fishchat.http.HttpHandler;
import fishchat.http.WebSocketHandshake;
import fishchat.http.WebSocketTransport;
import fishchat.libnet.FrameServer;

/**
 * {@code GET /ws}: the WebSocket way into an access server. The upgrade is checked (origin
 * included); then the connection's own thread runs a session of the node's
 * {@link FrameServer} over a {@link WebSocketTransport} until it ends, exactly as a TCP
 * connection's thread does. The listener belongs to the FrameServer's server, so the
 * connection was admitted (caps, rates) when it was accepted, before its upgrade was read.
 */
final class WebSocketEndpoint implements HttpHandler {
    static final String PATH = "/ws";

    private final FrameServer sessions;
    private final AllowedOrigins origins;

    WebSocketEndpoint(FrameServer sessions, AllowedOrigins origins) {
        this.sessions = sessions;
        this.origins = origins;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        String host = request.header("host");
        return WebSocketHandshake.answer(request, origin -> origins.allows(origin, host), channel -> {
            channel.connection().active(); // the upgrade greets, as a first frame does on TCP
            sessions.serveSession(channel.connection(), new WebSocketTransport(channel, sessions.options().maxFrameBody()));
        });
    }
}
