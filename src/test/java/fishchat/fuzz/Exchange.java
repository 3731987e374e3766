package fishchat.fuzz;

import fishchat.libnet.FrameClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One fuzzed connection: writes everything on a thread of its own while this thread reads
 * (a client that pipelines must not deadlock against a server whose replies fill the
 * socket buffers), half-closes, and reads until the server closes the connection. The server
 * ends a session when its input ends, so "read until closed" is exact: no sleeps, no guessing
 * when the server is done.
 */
final class Exchange {
    /** How the exchange ended from the client's side. */
    enum End { CLOSED, RESET }

    final List<byte[]> received = new ArrayList<>();
    End end;

    private Exchange() {
    }

    /**
     * @param mayBeReset whether the server may legitimately close while input is still unread
     *                   (after a logout, an oversize header): the kernel then answers the
     *                   client's further bytes with a reset
     */
    static Exchange run(InetSocketAddress server, byte[] wire, boolean mayBeReset) throws IOException {
        Exchange exchange = new Exchange();
        try (FrameClient client = FrameClient.connect(server, Duration.ofSeconds(5))) {
            client.setReceiveTimeout(Duration.ofSeconds(10));
            Thread writer = Thread.ofVirtual().name("fuzz-writer").start(() -> {
                try {
                    client.sendRaw(wire);
                    client.shutdownOutput();
                } catch (IOException e) {
                    // The server closed first (logout, oversize frame); the reader sees how.
                }
            });
            try {
                byte[] body;
                while ((body = client.receive()) != null) {
                    exchange.received.add(body);
                }
                exchange.end = End.CLOSED;
            } catch (SocketTimeoutException e) {
                fail("the server neither answered nor closed within 10 s (" + exchange.received.size()
                        + " frames received)");
            } catch (SocketException e) {
                if (!mayBeReset) {
                    throw e;
                }
                exchange.end = End.RESET;
            } catch (java.io.EOFException e) {
                fail("the server sent a truncated frame", e);
            }
            join(writer);
        }
        return exchange;
    }

    private static void join(Thread thread) {
        try {
            if (!thread.join(Duration.ofSeconds(10))) {
                fail("the writer is still blocked 10 s after the server closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    /** Frames and a trailing piece, concatenated as they go on the wire. */
    static final class Wire {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<byte[]> frames = new ArrayList<>();
        /** A header over the server's limit was sent last. */
        boolean oversize;

        void frame(byte[] body) {
            frames.add(body);
            bytes.writeBytes(fishchat.libnet.Frame.of(body).encoded());
        }

        void raw(byte[] piece) {
            bytes.writeBytes(piece);
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
