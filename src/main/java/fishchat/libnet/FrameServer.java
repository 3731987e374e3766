package fishchat.libnet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import static java.lang.System.Logger.Level.INFO;

/**
 * Sessions of the frame protocol on a {@link Server}: the server's listeners for
 * {@link ServerOptions#bind()} (and {@link ServerOptions#tlsBind()}, over TLS) carry frames,
 * each connection a {@link Session} run by the {@link SessionLoop} for the
 * {@link FrameHandler}. Sessions may arrive by other transports too (a WebSocket, through
 * another listener of the same server: {@link #serveSession}); all share the server's caps,
 * rates, timeouts and stop.
 */
public final class FrameServer implements ConnectionHandler, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FrameServer.class.getName());
    private final ServerOptions options;
    private final Server server;
    private final SessionRegistry registry;
    private final SessionLoop loop;
    private volatile InetSocketAddress address;
    private volatile InetSocketAddress tlsAddress;

    public FrameServer(ServerOptions options, FrameHandler handler) {
        this.options = options;
        this.server = new Server(options.limits());
        this.registry = new SessionRegistry(server.connectionsView());
        this.loop = new SessionLoop(handler, registry, options.oversizeFrame());
    }

    /** Binds and starts accepting. Returns once the ports are bound. */
    public FrameServer start() throws IOException {
        try {
            address = server.listen(options.bind(), null, this);
            LOG.log(INFO, "{0} listening on {1}", options.name(), Addresses.format(address));
            if (options.tlsBind() != null) {
                tlsAddress = server.listen(options.tlsBind(), options.tls(), this);
                LOG.log(INFO, "{0} listening for TLS on {1} ({2})", options.name(), Addresses.format(tlsAddress),
                        options.tls().subject());
            }
        } catch (IOException | RuntimeException e) {
            server.stop();
            throw e;
        }
        return this;
    }

    /** A connection of the frame port: a session over its socket. */
    @Override
    public void serve(Connection connection) {
        Transport transport;
        try {
            transport = new SocketTransport(connection, options.readBufferSize(), options.maxFrameBody());
        } catch (IOException e) {
            return; // closed before it began
        }
        Session session = open(connection, transport);
        if (session != null) {
            loop.run(session); // straight from here: every frame between the thread and its read is kept while it parks
        }
    }

    /**
     * Runs a session over {@code transport} on the calling thread, which is {@code connection}'s
     * own; returns when it has ended. For connections of this server's other listeners whose
     * protocol carries frames another way (a WebSocket after its upgrade).
     */
    public void serveSession(Connection connection, Transport transport) {
        Session session = open(connection, transport);
        if (session != null) {
            loop.run(session);
        }
    }

    /** A new session in the registry, or null when a stop closed the connection meanwhile. */
    private Session open(Connection connection, Transport transport) {
        Session session = new Session(connection, transport, options.pushQueueCapacity(), server.stats());
        registry.add(session);
        server.stats().sessionsOpened.increment();
        if (connection.isClosed()) {
            registry.remove(session);
            return null;
        }
        return session;
    }

    @Override
    public byte[] refusal(Refusal why, long retryAfterMillis) {
        return options.refusals() == null ? null : options.refusals().frame(why, retryAfterMillis).encoded();
    }

    /** The bound address (with the real port when the options asked for port 0). */
    public InetSocketAddress address() {
        return address;
    }

    /** The bound TLS address, or null when the server has none. */
    public InetSocketAddress tlsAddress() {
        return tlsAddress;
    }

    /** The server the sessions' listeners belong to: a WebSocket listener joins it, to share its admission and stop. */
    public Server server() {
        return server;
    }

    public SessionRegistry sessions() {
        return registry;
    }

    public ServerStats stats() {
        return server.stats();
    }

    public ServerOptions options() {
        return options;
    }

    /** Stops accepting and closes every session at once; returns when every connection thread has ended. */
    public void stop() {
        server.stop();
    }

    /**
     * Stops accepting, then drains: every session stops reading, finishes the request in hand
     * and writes its reply; sessions still busy after {@code grace} are closed. Returns when
     * every connection thread has ended.
     */
    public void stop(Duration grace) {
        server.stop(grace);
    }

    @Override
    public void close() {
        stop();
    }
}
