package fishchat.bench;

import fishchat.libnet.FrameClient;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two ways {@link PingBench} reaches an access server: a TCP connection carrying
 * length-prefixed frames, or a WebSocket connection carrying one frame body per binary
 * message (the JDK's client, no {@code Origin} header). Either way a body goes out and the
 * next one comes back.
 */
final class PingLinks {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** One connection: send a frame body, wait for the next one. */
    interface Link extends Closeable {
        void send(byte[] body) throws IOException;

        /** The next body; null when the server ended the connection. */
        byte[] receive(Duration timeout) throws IOException;

        @Override
        void close();
    }

    /** Opens connection n to one target. */
    interface Dialer {
        Link open(int n) throws IOException;

        /** "tcp" or "ws", for the RESULT line. */
        String transport();

        String target();
    }

    private PingLinks() {
    }

    static Dialer tcp(InetSocketAddress access, LoadSources sources) {
        return new Dialer() {
            @Override
            public Link open(int n) throws IOException {
                return new TcpLink(FrameClient.connect(access, sources.forConnection(n, access), CONNECT_TIMEOUT));
            }

            @Override
            public String transport() {
                return "tcp";
            }

            @Override
            public String target() {
                return fishchat.libnet.Addresses.format(access);
            }
        };
    }

    /**
     * WebSocket connections to {@code url}, from the loopback source addresses as TCP ones are
     * (one JDK HttpClient per source address: a client binds all its connections to one).
     */
    static Dialer webSocket(URI url, LoadSources sources) {
        InetSocketAddress server = new InetSocketAddress(url.getHost(),
                url.getPort() >= 0 ? url.getPort() : "wss".equals(url.getScheme()) ? 443 : 80);
        Map<InetAddress, HttpClient> clients = new ConcurrentHashMap<>();
        HttpClient unbound = client(null);
        return new Dialer() {
            @Override
            public Link open(int n) throws IOException {
                InetSocketAddress source = sources.forConnection(n, server);
                HttpClient http = source == null ? unbound : clients.computeIfAbsent(source.getAddress(), PingLinks::client);
                return WsLink.open(http, url);
            }

            @Override
            public String transport() {
                return "ws";
            }

            @Override
            public String target() {
                return url.toString();
            }
        };
    }

    private static HttpClient client(InetAddress source) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .executor(Executors.newVirtualThreadPerTaskExecutor());
        if (source != null) {
            builder.localAddress(source);
        }
        return builder.build();
    }

    private static final class TcpLink implements Link {
        private final FrameClient frames;

        TcpLink(FrameClient frames) {
            this.frames = frames;
        }

        @Override
        public void send(byte[] body) throws IOException {
            frames.send(body);
        }

        @Override
        public byte[] receive(Duration timeout) throws IOException {
            frames.setReceiveTimeout(timeout);
            return frames.receive();
        }

        @Override
        public void close() {
            try {
                frames.close();
            } catch (IOException e) {
                // Closing a socket: nothing left to do when it fails.
            }
        }
    }

    /** Received bodies queue up for {@link #receive}; the end of the connection queues {@link #END}. */
    private static final class WsLink implements Link, WebSocket.Listener {
        private static final Object END = new Object();
        private final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private WebSocket socket;

        static WsLink open(HttpClient http, URI url) throws IOException {
            WsLink link = new WsLink();
            link.socket = await(http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT).buildAsync(url, link),
                    "WebSocket upgrade to " + url);
            return link;
        }

        @Override
        public void send(byte[] body) throws IOException {
            await(socket.sendBinary(ByteBuffer.wrap(body), true), "WebSocket send");
        }

        @Override
        public byte[] receive(Duration timeout) throws IOException {
            Object next;
            try {
                next = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (next == null) {
                throw new SocketTimeoutException("no WebSocket message within " + timeout.toMillis() + " ms");
            }
            if (next == END) {
                received.add(END); // every later receive sees the end too
                return null;
            }
            if (next instanceof IOException failure) {
                throw failure;
            }
            return (byte[]) next;
        }

        @Override
        public void close() {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
            }
            socket.abort();
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            if (last && partial.size() == 0) {
                received.add(bytes);
            } else {
                partial.writeBytes(bytes);
                if (last) {
                    received.add(partial.toByteArray());
                    partial.reset();
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            received.add(new IOException("a text message where only binary ones are expected: " + data));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            received.add(END);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            received.add(new IOException("WebSocket failed: " + error, error));
            received.add(END);
        }

        private static <T> T await(CompletableFuture<T> future, String what) throws IOException {
            try {
                return future.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IOException(what + " failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                future.cancel(true);
                throw new IOException(what + " took over " + CONNECT_TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
