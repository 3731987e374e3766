package fishchat.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay between clients and a real server, for network faults a test needs at a chosen
 * moment: replies swallowed (a request reaches the server, its answer never the client), and
 * every connection cut. Not a server of its own: it only forwards bytes.
 */
final class Relay implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** While set, bytes from the server are read and dropped instead of forwarded. */
    private volatile boolean swallowReplies;
    private final AtomicReference<CountDownLatch> swallowed = new AtomicReference<>(new CountDownLatch(1));

    private Relay(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
        Thread.ofVirtual().name("relay-accept").start(this::acceptLoop);
    }

    static Relay to(InetSocketAddress target) throws IOException {
        return new Relay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target);
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", listener.getLocalPort());
    }

    /** From now on the server's bytes are dropped; {@link #awaitSwallowed} waits until some were. */
    void swallowReplies() {
        swallowed.set(new CountDownLatch(1));
        swallowReplies = true;
    }

    /** Whether some of the server's bytes were dropped within {@code timeout}. */
    boolean awaitSwallowed(java.time.Duration timeout) throws InterruptedException {
        return swallowed.get().await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Resets every relayed connection (both sides) and forwards normally again for new ones. */
    void cutAll() throws IOException {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // a reset, as a dropped network or a killed server gives
            } catch (IOException alreadyClosed) {
                // its other side ended first
            }
            s.close();
        }
        sockets.clear();
        swallowReplies = false;
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(target, 5000);
                } catch (IOException refused) {
                    client.close();
                    continue;
                }
                sockets.add(client);
                sockets.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, false));
                Thread.ofVirtual().start(() -> pump(server, client, true));
            }
        } catch (IOException closed) {
            // relay closed
        }
    }

    private void pump(Socket from, Socket to, boolean fromServer) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (fromServer && swallowReplies) {
                    swallowed.get().countDown();
                    continue;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ended) {
            // one side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cutAll();
    }
}
