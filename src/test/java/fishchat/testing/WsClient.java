package fishchat.testing;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import fishchat.protocol.Cmd;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A WebSocket client of the fishchat protocol (the JDK's), as a browser page is: each binary
 * message one protobuf body. Received bodies queue up; the close (code and reason) is kept.
 */
public final class WsClient implements AutoCloseable {
    public record Closed(int code, String reason) {
    }

    private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private WsClient(HttpClient http, URI uri, String origin) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        this.socket = builder.buildAsync(uri, new Listener()).join();
    }

    public static WsClient connect(String url, String origin) {
        return new WsClient(HttpClient.newHttpClient(), URI.create(url), origin);
    }

    public static WsClient connect(String url, String origin, SSLContext trust) {
        return new WsClient(HttpClient.newBuilder().sslContext(trust).build(), URI.create(url), origin);
    }

    public void send(MessageLite message) {
        sendBytes(message.toByteArray());
    }

    public void sendBytes(byte[] body) {
        socket.sendBinary(ByteBuffer.wrap(body), true).join();
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /** The next body, or null when none came within {@code timeout}. */
    public byte[] next(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next message with this cmd (others before it are skipped), parsed. */
    public <T> T receive(int cmd, Parser<T> parser) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            byte[] body = next(Duration.ofMillis(100));
            if (body != null && ProtoClient.cmdOf(body) == cmd) {
                return parser.parseFrom(body);
            }
        }
        return fail("no message with cmd " + cmd + " within 10 s" + (closed.isDone() ? "; closed " + closed.join() : ""));
    }

    public <T> T receiveError(Parser<T> parser) throws IOException, InterruptedException {
        return receive(Cmd.ERROR.code(), parser);
    }

    /** How the server closed the connection (waits up to 10 s). */
    public Closed awaitClose() {
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return fail("the connection was not closed within 10 s: " + e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the TCP connection without a Close frame, as a vanished network does. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                received.add(partial.toByteArray());
                partial.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(-1, String.valueOf(error)));
        }
    }
}
