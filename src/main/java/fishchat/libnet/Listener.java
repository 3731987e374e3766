package fishchat.libnet;

import fishchat.common.Fatal;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static java.lang.System.Logger.Level.WARNING;

/**
 * One listening socket of a {@link Server} and its accept loop (a platform thread: it is
 * never parked for long, and a virtual one would compete with the sessions it serves). Each
 * accepted socket goes to the server for admission. An accept that fails (EMFILE when out of
 * file descriptors, ENOBUFS) is waited out with a growing pause, never the end of the loop:
 * a listener stops only when it is closed.
 */
final class Listener {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    private static final long MAX_BACKOFF_MILLIS = 1000;

    private final Server server;
    private final ServerSocket socket;
    private final TlsCredentials tls;
    private final ConnectionHandler handler;
    private final String name;
    private Thread thread;

    private Listener(Server server, ServerSocket socket, TlsCredentials tls, ConnectionHandler handler, String name) {
        this.server = server;
        this.socket = socket;
        this.tls = tls;
        this.handler = handler;
        this.name = name;
    }

    /** Binds {@code address} (port 0: a free one); accepting begins with {@link #start}. */
    static Listener bind(Server server, InetSocketAddress address, int backlog, TlsCredentials tls,
                         ConnectionHandler handler, String name) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(address, backlog);
        } catch (IOException e) {
            socket.close();
            throw new BindException(name + ": cannot listen on " + Addresses.format(address) + ": " + e.getMessage());
        }
        return new Listener(server, socket, tls, handler, name);
    }

    void start() {
        thread = Thread.ofPlatform().name(name + "-accept").daemon(true).start(this::acceptLoop);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    TlsCredentials tls() {
        return tls;
    }

    ConnectionHandler handler() {
        return handler;
    }

    private void acceptLoop() {
        long backoffMillis = 0;
        while (!socket.isClosed()) {
            try {
                Socket accepted = socket.accept();
                backoffMillis = 0;
                server.admit(accepted, this);
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                backoffMillis = backoffMillis == 0 ? 5 : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
                LOG.log(WARNING, "{0}: accept failed ({1}); retrying in {2} ms", name, e.getMessage(),
                        String.valueOf(backoffMillis));
                pause(backoffMillis);
            } catch (Throwable e) {
                Fatal.unexpected(name + " accept loop", e);
                pause(MAX_BACKOFF_MILLIS);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting; returns once the accept loop has ended. */
    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closed all the same.
        }
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
