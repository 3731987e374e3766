package fishchat.web;

import fishchat.libnet.FrameServer;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

import java.net.InetSocketAddress;

/**
 * What becomes of a WebSocket connection once Helidon has upgraded it (and checked its origin).
 * Helidon calls {@link #onOpen} on the connection's virtual thread; that thread then runs the
 * {@link FrameServer}'s admission and session loop over a {@link WebSocketTransport} until the
 * session ends, exactly as a TCP connection's thread does. Only then does it return to Helidon,
 * asking it to close the connection rather than read on (Helidon's own read loop would not
 * tell us when the peer vanishes, and the session must be ended and released when it does).
 *
 * <p>Two consequences of bypassing that loop, harmless with Helidon 4.5 (docs/BENCHMARKS.md,
 * "WebSocket next to TCP"): Helidon's idle sweep sees every session as idle since its upgrade
 * and calls {@code close(false)} on it after 5 minutes, which only clears a flag of the unused
 * loop; and each session holds a permit of the listener's concurrency limit, which fishchat
 * leaves unset. Re-check both when upgrading Helidon.
 */
final class WebSocketEndpoint implements WsListener {
    private final FrameServer server;
    private final int maxBody;

    WebSocketEndpoint(FrameServer server, int maxBody) {
        this.server = server;
        this.maxBody = maxBody;
    }

    @Override
    public void onOpen(WsSession ws) {
        ConnectionContext connection = (ConnectionContext) ws.socketContext();
        InetSocketAddress peer = (InetSocketAddress) connection.remotePeer().address();
        server.serve(new WebSocketTransport(ws, connection, maxBody), peer.getAddress());
        throw new CloseConnectionException("session ended");
    }
}
