package fishchat.libnet;

import fishchat.common.LogBudget;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Tells a refused connection why, then closes it, so that a client sees an answer rather than
 * a silent drop, without letting a flood of refusals cost much: at most one log line a second,
 * and on a TLS port (where the answer needs a handshake) the answer is written on a short-lived
 * thread of its own (the accept loop must not wait on a client), within
 * {@link #TLS_TIMEOUT_MILLIS} in all, at most {@link #TLS_IN_FLIGHT} at a time and
 * {@link #TLS_PER_SECOND} a second; past that, the connection is closed unanswered (counted).
 */
final class Refuser {
    private static final System.Logger LOG = System.getLogger(Refuser.class.getName());
    private static final int TLS_IN_FLIGHT = 64;
    private static final int TLS_TIMEOUT_MILLIS = 2000;
    private static final int TLS_PER_SECOND = 50;

    private final String name;
    private final ServerStats stats;
    private final Semaphore tlsInFlight = new Semaphore(TLS_IN_FLIGHT);
    private final AdmissionRates tlsBudget = new AdmissionRates(TLS_PER_SECOND, 0);
    /** At most one line a second: a connection flood must not become a log flood. */
    private final LogBudget refusalsLogged = new LogBudget(1, TimeUnit.SECONDS.toNanos(1));

    Refuser(String name, ServerStats stats) {
        this.name = name;
        this.stats = stats;
    }

    /** On the accept thread: answers {@code answer} (null: nothing) and closes. */
    void refuse(Socket socket, TlsCredentials tls, byte[] answer, Admission.Refused refused) {
        log(socket, refused);
        if (tls == null || answer == null) {
            answerAndClose(socket, answer);
        } else if (tlsBudget.tryAcquire() && tlsInFlight.tryAcquire()) {
            try {
                // The whole answer, handshake included, within the deadline (a socket timeout
                // would bound each read only: a client trickling its ClientHello would keep a slot).
                CompletableFuture.delayedExecutor(TLS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).execute(() -> closeQuietly(socket));
                Thread.ofVirtual().name(name + "-tls-refusal").start(() -> {
                    try {
                        answerAndClose(tls.wrap(socket), answer);
                    } catch (IOException e) {
                        LOG.log(DEBUG, "{0}: refusal not delivered: {1}", name, e.getMessage());
                        closeQuietly(socket);
                    } finally {
                        tlsInFlight.release();
                    }
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                tlsInFlight.release();
                closeQuietly(socket);
                if (e instanceof OutOfMemoryError) {
                    throw e;
                }
            }
        } else {
            stats.refusalsUnanswered.increment();
            closeQuietly(socket);
        }
    }

    private void log(Socket socket, Admission.Refused refused) {
        stats.connectionsRefused.increment();
        if (refusalsLogged.take(System.nanoTime()) >= 0) {
            long count = stats.connectionsRefused.sum();
            LOG.log(WARNING, "{0}: refusing {1}: too many {2}; {3} refused so far", name,
                    Addresses.format(socket.getRemoteSocketAddress()), refused.why(), String.valueOf(count));
        }
    }

    private void answerAndClose(Socket socket, byte[] answer) {
        try {
            if (answer != null) {
                socket.getOutputStream().write(answer);
            }
        } catch (IOException e) {
            LOG.log(DEBUG, "{0}: refusal not delivered: {1}", name, e.getMessage());
        } finally {
            closeQuietly(socket);
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Gone already.
        }
    }
}
