package fishchat.libnet;

import fishchat.common.Fatal;
import fishchat.common.LogBudget;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;

/**
 * A session's life on its connection's thread: read a frame, hand it to the
 * {@link FrameHandler}, repeat; then close and say why, in one log line.
 *
 * <p>{@link #run} and {@link #serve} stay on the thread's stack for the whole session, so every
 * park of the session freezes them into its stack chunk: they are kept small, and the rare
 * work (failures, the close, its log lines) is done in methods of its own. (Run as C1 code, a
 * loop with that work inline took ~2 KB of the chunk of every idle session started while the
 * JIT was warming up; see docs/BENCHMARKS.md.)
 *
 * <p>The catch ladder separates what a client did (EOF, a truncated or oversize frame, a
 * reset, silence: an INFO line) from a bug in a handler (an ERROR line with its stack trace).
 */
final class SessionLoop {
    private static final System.Logger LOG = System.getLogger(SessionLoop.class.getName());
    /**
     * Lines a second, node-wide, for sessions that ended without a handler naming them (never
     * logged in; every gateway session): anyone can open connections as fast as the admission
     * rates allow, and each would cost a line (96 KB/s a source address); the rest are counted
     * in the next line let through. Sessions of known users are always logged.
     */
    private static final LogBudget ANONYMOUS_ENDINGS = new LogBudget(100, 1_000_000_000L);

    private final FrameHandler handler;
    private final SessionRegistry registry;
    /** Sent before closing on an oversize frame, or null. */
    private final Frame oversizeReply;

    SessionLoop(FrameHandler handler, SessionRegistry registry, Frame oversizeReply) {
        this.handler = handler;
        this.registry = registry;
        this.oversizeReply = oversizeReply;
    }

    /** Reads frames and hands them to the handler until the session ends; then closes it and says why. */
    void run(Session session) {
        long opened = opened(session);
        Connection connection = session.connection();
        Transport transport = session.transport();
        String reason = null;
        try {
            handler.onOpen(session);
            byte[] body;
            while ((body = transport.read()) != null) { // where an idle session parks: this frame, the transport's, the socket's
                session.received(body);
                if (!connection.claimForRequest()) {
                    break; // a stop claimed this session between two requests
                }
                handler.onFrame(session, body);
                connection.requestDone();
                if (session.endAfterReply() != null || connection.stopping()) {
                    reason = endAfterReply(session);
                    break;
                }
            }
            if (reason == null) {
                reason = whyItEnded(session);
            }
        } catch (IOException | RuntimeException | Error e) {
            reason = failureReason(session, e);
        }
        ended(session, opened, reason);
    }

    private static long opened(Session session) {
        LOG.log(DEBUG, "{0} opened from {1}", session, Addresses.format(session.remoteAddress()));
        return System.nanoTime();
    }

    /** A handler asked to end after its reply (logout, a kick), or the server is stopping: ends without a reset. */
    private static String endAfterReply(Session session) {
        String ending = session.endAfterReply() != null ? session.endAfterReply() : "server stopping";
        session.closeGracefully(ending);
        return ending;
    }

    /** The peer closed between frames (or a stop claimed the session): why, as it will be logged. */
    private static String whyItEnded(Session session) {
        String ending = session.endAfterReply(); // e.g. kicked, then the client closed
        return ending != null ? ending : session.isClosed() ? session.closeReason() : "peer closed";
    }

    /**
     * Why a session whose loop threw ends: what a client did (EOF, a truncated or oversize
     * frame, a reset, silence), or a bug in a handler, which is logged with its stack trace.
     */
    private String failureReason(Session session, Throwable e) {
        if (e instanceof FrameTooLargeException) {
            sendOversizeReply(session);
            // Gracefully: closing with the rest of the frame unread would reset the connection,
            // and a reset can destroy the reply before the client reads it.
            session.closeGracefully(e.getMessage());
            return e.getMessage();
        } else if (e instanceof EOFException) {
            return "truncated frame: " + e.getMessage();
        } else if (e instanceof IOException) {
            // A reset, a protocol error of the transport, or our own close (stop, kick, a
            // timeout): the client's side of things.
            return session.isClosed() ? session.closeReason() : "read failed: " + e.getMessage();
        } else if (e instanceof VirtualMachineError) {
            Fatal.unexpected(session.toString(), e); // ends the process, or (a stack overflow) logs its top frames
            return "internal error: " + e;
        }
        LOG.log(ERROR, session + ": handler failed; closing the session", e);
        return "internal error: " + e;
    }

    private void sendOversizeReply(Session session) {
        if (oversizeReply == null) {
            return;
        }
        try {
            session.send(oversizeReply);
        } catch (IOException e) {
            LOG.log(DEBUG, "{0}: oversize reply not delivered: {1}", session, e.getMessage());
        }
    }

    /** Closes the session, releases what it held, and logs how it ended. */
    private void ended(Session session, long opened, String reason) {
        session.close(reason);
        registry.remove(session);
        try {
            handler.onClose(session);
        } catch (RuntimeException e) {
            LOG.log(ERROR, session + ": close handler failed", e);
        }
        long leftOut = session.labelled() ? 0 : ANONYMOUS_ENDINGS.take(System.nanoTime());
        if (leftOut >= 0) {
            LOG.log(INFO, "{0} from {1} closed after {2} ms: {3}{4}", session, Addresses.format(session.remoteAddress()),
                    String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened)), session.closeReason(),
                    LogBudget.leftOutNote(leftOut, "ended sessions without a user"));
        }
    }
}
