package fishchat.libnet;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * A blocking TCP server: one accept loop per listening address (plaintext, and TLS when
 * configured), and one virtual thread per accepted socket running the session loop (read a
 * frame, hand it to the {@link FrameHandler}, repeat). Both addresses share one set of
 * sessions, caps and rates: TLS is a way in, not a second server.
 *
 * <p>Admission happens before a session exists: a connection over a cap (open connections,
 * per source address) or a rate (new connections per second, per server and per address) is
 * accepted, told why ({@link Refusal.Answers}, with a retry-after hint for rates) and closed,
 * so the client sees an answer rather than a silent drop. A TLS handshake is not admission
 * work: it runs on the session's own thread, bounded by the handshake timeout. The session
 * loop's catch ladder separates what a client did (EOF, a truncated or oversize frame, a
 * reset, silence) from a bug in a handler, which is logged with its stack trace. {@link #stop()} returns only once every session thread has ended.
 */
public final class FrameServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FrameServer.class.getName());
    private static final long MAX_ACCEPT_BACKOFF_MILLIS = 1000;
    private static final int TLS_REFUSALS_IN_FLIGHT = 64;
    private static final int TLS_REFUSAL_TIMEOUT_MILLIS = 2000;
    private static final int TLS_REFUSALS_PER_SECOND = 50;

    private final ServerOptions options;
    private final FrameHandler handler;
    private final SessionRegistry registry = new SessionRegistry();
    private final ServerStats stats = new ServerStats();
    private final AddressCounts perAddress;
    private final AdmissionRates rates;
    private final java.util.concurrent.Semaphore tlsRefusals = new java.util.concurrent.Semaphore(TLS_REFUSALS_IN_FLIGHT);
    private final AdmissionRates tlsRefusalBudget = new AdmissionRates(TLS_REFUSALS_PER_SECOND, 0);
    private final AtomicLong nextSessionId = new AtomicLong();
    private final AtomicInteger liveThreads = new AtomicInteger();
    private final ReentrantLock stopLock = new ReentrantLock();
    private final Condition allThreadsEnded = stopLock.newCondition();
    private final SessionSweeper sweeper;
    private ServerSocket listener;
    private ServerSocket tlsListener;
    private Thread acceptThread;
    private Thread tlsAcceptThread;
    private volatile long lastRefusalLog;
    private volatile boolean stopping;

    public FrameServer(ServerOptions options, FrameHandler handler) {
        this.options = options;
        this.perAddress = new AddressCounts(options.maxConnectionsPerIp());
        this.rates = new AdmissionRates(options.newConnectionsPerSecond(), options.newConnectionsPerIpPerSecond());
        this.handler = handler;
        this.sweeper = SessionSweeper.needed(options) ? new SessionSweeper(registry, options.handshakeTimeout(),
                options.idleTimeout(), options.writeTimeout(), options.name()) : null;
    }

    /** Binds and starts accepting. Returns once the port is bound. */
    public FrameServer start() throws IOException {
        listener = bind(options.bind());
        if (options.tlsBind() != null) {
            try {
                tlsListener = bind(options.tlsBind());
            } catch (IOException e) {
                closeQuietly(listener);
                throw e;
            }
        }
        acceptThread = startAccepting(listener, null, "-accept");
        LOG.log(INFO, "{0} listening on {1}:{2}", options.name(), address().getHostString(),
                String.valueOf(address().getPort()));
        if (tlsListener != null) {
            tlsAcceptThread = startAccepting(tlsListener, options.tls(), "-tls-accept");
            LOG.log(INFO, "{0} listening for TLS on {1}:{2} ({3})", options.name(), tlsAddress().getHostString(),
                    String.valueOf(tlsAddress().getPort()), options.tls().subject());
        }
        if (sweeper != null) {
            sweeper.start();
        }
        return this;
    }

    private Thread startAccepting(ServerSocket listening, TlsCredentials tls, String suffix) {
        return Thread.ofPlatform().name(options.name() + suffix).daemon(true).start(() -> acceptLoop(listening, tls));
    }

    private ServerSocket bind(InetSocketAddress address) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(address, options.backlog());
        } catch (java.net.BindException e) {
            socket.close();
            throw new java.net.BindException(options.name() + ": cannot listen on " + address + ": " + e.getMessage());
        }
        return socket;
    }

    /** The bound address (with the real port when the options asked for port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** The bound TLS address, or null when the server has none. */
    public InetSocketAddress tlsAddress() {
        return tlsListener == null ? null : (InetSocketAddress) tlsListener.getLocalSocketAddress();
    }

    public SessionRegistry sessions() {
        return registry;
    }

    public ServerStats stats() {
        return stats;
    }

    public ServerOptions options() {
        return options;
    }

    private void acceptLoop(ServerSocket listener, TlsCredentials tls) {
        long backoffMillis = 0;
        while (!stopping) {
            Socket socket;
            try {
                socket = listener.accept();
                backoffMillis = 0;
            } catch (IOException e) {
                if (stopping || listener.isClosed()) {
                    return;
                }
                // E.g. EMFILE when out of file descriptors: back off instead of spinning.
                backoffMillis = backoffMillis == 0 ? 5 : Math.min(MAX_ACCEPT_BACKOFF_MILLIS, backoffMillis * 2);
                LOG.log(WARNING, "{0}: accept failed ({1}); retrying in {2} ms", options.name(), e.getMessage(),
                        String.valueOf(backoffMillis));
                sleepQuietly(backoffMillis);
                continue;
            }
            admit(socket, tls);
        }
    }

    private void admit(Socket socket, TlsCredentials tls) {
        InetAddress source = socket.getInetAddress();
        Refused refused = admission(source);
        if (refused != null) {
            refuse(socket, tls, refused);
            return;
        }
        Session session;
        try {
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Socket stream = tls == null ? socket : tls.wrap(socket);
            session = newSession(new SocketTransport(socket, stream, options.readBufferSize(), options.maxFrameBody()));
        } catch (IOException e) {
            LOG.log(DEBUG, "{0}: dropping a connection that failed at setup: {1}", options.name(), e.getMessage());
            perAddress.release(source);
            closeQuietly(socket);
            return;
        }
        try {
            Thread.ofVirtual().name(options.name() + "-session-" + session.id()).start(() -> sessionLoop(session, source));
        } catch (RuntimeException | OutOfMemoryError e) {
            registry.remove(session);
            perAddress.release(source);
            session.close("could not start a session thread");
            threadEnded();
            LOG.log(ERROR, options.name() + ": could not start a session thread", e);
        }
    }

    /**
     * Serves a connection that arrived by another transport (a WebSocket), on the calling
     * thread, which is the connection's own: admission (the same caps and rates as the
     * sockets), then the same session loop and handler. Returns when the session has ended.
     * A refused connection is told why and closed.
     */
    public void serve(Transport transport, InetAddress source) {
        Refused refused = stopping ? new Refused(Refusal.OVER_CAPACITY, 0, "connections (server stopping)")
                : admission(source);
        if (refused != null) {
            logRefusal(transport.remoteAddress(), refused);
            byte[] answer = answer(refused);
            try {
                if (answer != null) {
                    transport.write(answer);
                }
                transport.finishOutput("refused");
            } catch (IOException e) {
                LOG.log(DEBUG, "{0}: refusal not delivered: {1}", options.name(), e.getMessage());
            } finally {
                closeQuietly(transport::close);
            }
            return;
        }
        Session session = newSession(transport);
        if (stopping) {
            // A stop began after the check above and may have swept the registry before this
            // session was in it: end it now rather than serve past the stop.
            session.close("server stopping");
        }
        sessionLoop(session, source);
    }

    /** Why a new connection from {@code source} is refused, or null once it holds its place (release it when it ends). */
    private Refused admission(InetAddress source) {
        if (registry.size() >= options.maxConnections()) {
            return new Refused(Refusal.OVER_CAPACITY, 0, "connections open (cap)");
        }
        AdmissionRates.Verdict tooFast = rates.admit(source);
        if (tooFast != null) {
            return new Refused(tooFast.refusal(), tooFast.retryAfterMillis(), tooFast.refusal() == Refusal.SERVER_RATE
                    ? "new connections per second" : "new connections per second from " + source.getHostAddress());
        }
        if (!perAddress.tryAcquire(source)) {
            return new Refused(Refusal.ADDRESS_CAP, 0, "connections from " + source.getHostAddress() + " (cap per address)");
        }
        return null;
    }

    private record Refused(Refusal refusal, long retryAfterMillis, String why) {
    }

    /** A new session in the registry, counted as a live thread (the caller runs its loop). */
    private Session newSession(Transport transport) {
        Session session = new Session(nextSessionId.incrementAndGet(), transport, options.pushQueueCapacity(), stats);
        registry.add(session);
        stats.sessionsOpened.increment();
        liveThreads.incrementAndGet();
        return session;
    }

    /**
     * Answers and closes. On the TLS port the answer has to go through a handshake, which is
     * done on a short-lived thread of its own (the accept loop must not wait on a client),
     * within {@link #TLS_REFUSAL_TIMEOUT_MILLIS} in all, at most {@link #TLS_REFUSALS_IN_FLIGHT}
     * at a time and {@link #TLS_REFUSALS_PER_SECOND} a second: beyond that, in a flood, the
     * connection is closed unanswered (counted) rather than spending the cores on handshakes
     * for refusals.
     */
    private void refuse(Socket socket, TlsCredentials tls, Refused refused) {
        byte[] answer = answer(refused);
        logRefusal(socket.getRemoteSocketAddress(), refused);
        if (tls == null || answer == null) {
            answerAndClose(socket, answer);
        } else if (tlsRefusalBudget.tryAcquire() && tlsRefusals.tryAcquire()) {
            try {
                // The whole answer, handshake included, within the deadline (a socket timeout
                // would bound each read only: a client trickling its ClientHello would keep a slot).
                CompletableFuture.delayedExecutor(TLS_REFUSAL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                        .execute(() -> closeQuietly(socket));
                Thread.ofVirtual().name(options.name() + "-tls-refusal").start(() -> {
                    try {
                        answerAndClose(tls.wrap(socket), answer);
                    } catch (IOException e) {
                        LOG.log(DEBUG, "{0}: refusal not delivered: {1}", options.name(), e.getMessage());
                        closeQuietly(socket);
                    } finally {
                        tlsRefusals.release();
                    }
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                tlsRefusals.release();
                closeQuietly(socket);
            }
        } else {
            stats.refusalsUnanswered.increment();
            closeQuietly(socket);
        }
    }

    private byte[] answer(Refused refused) {
        return options.refusals() == null ? null : options.refusals().frame(refused.refusal(), refused.retryAfterMillis());
    }

    private void logRefusal(java.net.SocketAddress remote, Refused refused) {
        stats.connectionsRefused.increment();
        long count = stats.connectionsRefused.sum();
        long now = System.nanoTime();
        long last = lastRefusalLog;
        if (now - last > TimeUnit.SECONDS.toNanos(1) || count == 1) {
            // At most one line a second: a connection flood must not become a log flood.
            lastRefusalLog = now;
            LOG.log(WARNING, "{0}: refusing {1}: too many {2}; {3} refused so far",
                    options.name(), remote, refused.why(), String.valueOf(count));
        }
    }

    private void answerAndClose(Socket socket, byte[] answer) {
        try {
            if (answer != null) {
                socket.getOutputStream().write(answer);
            }
        } catch (IOException e) {
            LOG.log(DEBUG, "{0}: refusal not delivered: {1}", options.name(), e.getMessage());
        } finally {
            closeQuietly(socket);
        }
    }

    private void sessionLoop(Session session, InetAddress source) {
        // This frame and serve's stay on the thread's stack for the whole session, so every
        // park of the session freezes them into its stack chunk: they are kept small, and the
        // rare work (failures, the close, its log lines) is done in methods of its own. (Run
        // as C1 code, the loop with that work inline took ~2 KB of the chunk of every idle
        // session started while the JIT was warming up; see docs/BENCHMARKS.md.)
        long opened = System.nanoTime();
        LOG.log(INFO, "{0} opened from {1}", session, session.remoteAddress());
        String reason = "peer closed";
        try {
            reason = serve(session);
        } catch (IOException | RuntimeException | Error e) {
            reason = failureReason(session, e);
        } finally {
            ended(session, source, opened, reason);
        }
    }

    /** Reads frames and hands them to the handler until the session ends; returns why it ended. */
    private String serve(Session session) throws IOException {
        String reason = "peer closed";
        handler.onOpen(session);
        byte[] body;
        while ((body = session.readFrame()) != null) {
            if (!session.claimForRequest()) {
                break; // a stop claimed this session between two requests
            }
            handle(session, body);
            session.requestDone();
            String ending = session.endAfterReply();
            if (ending != null || stopping) {
                reason = ending != null ? ending : "server stopping";
                session.closeGracefully(reason);
                break;
            }
        }
        if (session.endAfterReply() != null) {
            reason = session.endAfterReply(); // e.g. kicked, then the client closed
        }
        return reason;
    }

    /**
     * Why a session whose loop threw ends: what a client did (EOF, a truncated or oversize
     * frame, a reset, silence), or a bug in a handler, which is logged with its stack trace.
     */
    private String failureReason(Session session, Throwable e) {
        if (e instanceof FrameTooLargeException) {
            String reason = e.getMessage();
            sendOversizeReply(session);
            // Gracefully: closing with the rest of the frame unread would reset the connection,
            // and a reset can destroy the reply before the client reads it.
            session.closeGracefully(reason);
            return reason;
        } else if (e instanceof EOFException) {
            return "truncated frame: " + e.getMessage();
        } else if (e instanceof IOException) {
            // A reset, or our own close (stop, kick, write timeout): the client's side of things.
            return session.isClosed() ? session.closeReason() : "read failed: " + e.getMessage();
        }
        LOG.log(ERROR, session + ": handler failed; closing the session", e);
        return "internal error: " + e;
    }

    /** Closes the session, releases what it held, and logs how it ended. */
    private void ended(Session session, InetAddress source, long opened, String reason) {
        session.close(reason);
        perAddress.release(source); // before leaving the registry: its count never lags behind
        registry.remove(session);
        try {
            handler.onClose(session);
        } catch (RuntimeException e) {
            LOG.log(ERROR, session + ": close handler failed", e);
        }
        LOG.log(INFO, "{0} closed after {1} ms: {2}", session,
                String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened)), session.closeReason());
        threadEnded();
    }

    /** Runs the handler for one frame: here, or on a short-lived thread if it may park deep. */
    private void handle(Session session, byte[] body) throws IOException {
        if (handler.mayBlockDeep(session, body)) {
            DeepWork.run(() -> handler.onFrame(session, body));
        } else {
            handler.onFrame(session, body);
        }
    }

    private void sendOversizeReply(Session session) {
        if (options.oversizeFrame() == null) {
            return;
        }
        try {
            session.sendFrame(options.oversizeFrame());
        } catch (IOException e) {
            LOG.log(DEBUG, "{0}: oversize reply not delivered: {1}", session, e.getMessage());
        }
    }

    private void threadEnded() {
        if (liveThreads.decrementAndGet() == 0 && stopping) {
            stopLock.lock();
            try {
                allThreadsEnded.signalAll();
            } finally {
                stopLock.unlock();
            }
        }
    }

    /** Connections currently being served. */
    public int liveSessionThreads() {
        return liveThreads.get();
    }

    /**
     * Stops accepting, closes every session and waits until every session thread has ended.
     * Safe to call more than once.
     */
    public void stop() {
        stop(Duration.ZERO);
    }

    /**
     * Stops accepting, then drains: every session stops reading, finishes the request in
     * hand and writes its reply; sessions still busy after {@code grace} are closed. Returns
     * when every session thread has ended.
     */
    public void stop(Duration grace) {
        stopping = true;
        for (ServerSocket open : new ServerSocket[]{listener, tlsListener}) {
            if (open != null) {
                closeQuietly(open);
            }
        }
        for (Thread accepting : new Thread[]{acceptThread, tlsAcceptThread}) {
            if (accepting != null) {
                joinQuietly(accepting);
            }
        }
        // The accept threads have ended, so no session is added after this point. Sessions
        // between requests are closed now (no reply is owed); a session handling a request
        // finishes it, writes its reply and ends itself gracefully (see sessionLoop).
        if (!grace.isZero()) {
            long deadline = System.nanoTime() + grace.toNanos();
            do {
                for (Session session : registry.all()) {
                    if (session.claimForClose()) {
                        session.close("server stopping");
                    }
                }
            } while (!awaitThreadsUntil(Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50)))
                    && System.nanoTime() < deadline);
        }
        if (sweeper != null) {
            sweeper.stop();
        }
        registry.closeAll("server stopping");
        awaitThreads(Long.MAX_VALUE);
        LOG.log(INFO, "{0} stopped", options.name());
    }

    /** True when no session thread is left by the deadline (System.nanoTime()). */
    private boolean awaitThreadsUntil(long deadline) {
        awaitThreads(deadline);
        return liveThreads.get() == 0;
    }

    /** Waits until no session thread is left or the deadline (System.nanoTime()) passed. */
    private void awaitThreads(long deadline) {
        stopLock.lock();
        try {
            while (liveThreads.get() > 0 && System.nanoTime() < deadline) {
                // Timed wait: a late-starting session thread is closed again on the next turn.
                if (!allThreadsEnded.await(100, TimeUnit.MILLISECONDS) && deadline == Long.MAX_VALUE) {
                    registry.closeAll("server stopping");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopLock.unlock();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(DEBUG, "close failed: {0}", e.getMessage());
        }
    }
}
