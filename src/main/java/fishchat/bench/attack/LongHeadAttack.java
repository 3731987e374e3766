package fishchat.bench.attack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Connections to an HTTP port (the chat page, WebSocket, admin, API) that each send most of
 * a long request head (a header line of ~8 KB, then ~7 KB of a second one) and wait. A
 * server that keeps what it has read of each head holds ~30 KB a connection until its
 * handshake deadline; ours counts long heads against its budget for incomplete requests.
 */
public final class LongHeadAttack {
    private LongHeadAttack() {
    }

    public record Outcome(int opened, int sent, int stillOpen) {
        public String resultLine() {
            return "RESULT attack=long-head opened=" + opened + " sent=" + sent + " still_open=" + stillOpen;
        }
    }

    public static Outcome run(InetSocketAddress target, int connections, int sources, Duration hold) throws InterruptedException {
        byte[] head = ("GET / HTTP/1.1\r\nHost: " + target.getAddress().getHostAddress() + "\r\nX-A: " + "a".repeat(8300)
                + "\r\nX-B: " + "b".repeat(7000)).getBytes(StandardCharsets.US_ASCII);
        try (Sockets sockets = Sockets.open(target, connections, sources)) {
            int sent = 0;
            for (Socket socket : sockets.all()) {
                try {
                    socket.getOutputStream().write(head);
                    sent++;
                } catch (IOException e) {
                    // refused or closed by the server
                }
            }
            Thread.sleep(hold.toMillis());
            return new Outcome(sockets.all().size(), sent, sockets.stillOpen(1));
        }
    }
}
