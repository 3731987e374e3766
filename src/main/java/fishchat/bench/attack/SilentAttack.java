package fishchat.bench.attack;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Connections that send nothing at all, to any port (frames, WebSocket, the chat page): the
 * server should admit only its per-address share, answer the rest, and close the silent ones
 * after its handshake timeout, counted from accept.
 */
public final class SilentAttack {
    private SilentAttack() {
    }

    /** {@code admitted}: not closed within a second of connecting; {@code stillOpen}: not closed after the hold. */
    public record Outcome(int opened, int admitted, int stillOpen) {
        public String resultLine() {
            return "RESULT attack=silent opened=" + opened + " admitted=" + admitted + " still_open=" + stillOpen;
        }
    }

    public static Outcome run(InetSocketAddress target, int connections, int sources, Duration hold) throws InterruptedException {
        try (Sockets sockets = Sockets.open(target, connections, sources)) {
            Thread.sleep(1000);
            int admitted = 0;
            for (Socket socket : sockets.all()) {
                if (Sockets.isOpen(socket, 1)) {
                    admitted++;
                }
            }
            Thread.sleep(Math.max(0, hold.toMillis() - 1000));
            return new Outcome(sockets.all().size(), admitted, sockets.stillOpen(1));
        }
    }
}
