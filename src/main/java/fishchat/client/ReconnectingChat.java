package fishchat.client;

import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One user's chat that outlives its connections. When the connection is lost it reconnects
 * by the same route (through the gateway again, so a dead node is left behind), with
 * {@link Backoff}, logs in again with a fresh token and syncs from the last seq it handed
 * on, so every message reaches {@link ChatEvents#message} once. It stops for good when a
 * newer login of the same user replaces it, or when the server refuses its token.
 * Requests go through {@link #awaitConnected}; what was not acknowledged is the caller's
 * to send again ({@link OutboxSender}).
 */
public final class ReconnectingChat implements Closeable {
    /** Logins refused for what the user must fix: trying again cannot help. */
    private static final Set<ErrorCode> FINAL_LOGIN_REFUSALS = Set.of(ErrorCode.BAD_TOKEN, ErrorCode.TOKEN_EXPIRED,
            ErrorCode.TOKEN_REVOKED, ErrorCode.NO_TOKEN, ErrorCode.UID_MISMATCH, ErrorCode.REQUEST_ERR);
    /** The server closes sessions silent for 90 s (--idle-timeout); a ping also finds a dead connection. */
    private static final Duration PING_INTERVAL = Duration.ofSeconds(30);
    /** A connection that lasted this long was a good one: the next loss starts the backoff from the beginning. */
    private static final Duration STABLE = Duration.ofSeconds(10);

    private final ServerRoute route;
    private final long uid;
    private final LongFunction<String> tokens;
    private final Backoff backoff;
    private final ChatEvents events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by lock: the live connection, null while there is none. */
    private ChatClient current;
    private long connectedAtNanos;
    private IOException lossCause;
    private boolean stopped;
    /** Guarded by deliverLock: the seq of the newest message handed on. */
    private long lastSeq;
    private final ReentrantLock deliverLock = new ReentrantLock();
    private Thread supervisor;
    private Thread pinger;

    public ReconnectingChat(ServerRoute route, long uid, LongFunction<String> tokens, Backoff backoff, ChatEvents events) {
        this.route = route;
        this.uid = uid;
        this.tokens = tokens;
        this.backoff = backoff;
        this.events = events;
    }

    /**
     * Connects and logs in; from then on messages newer than the user's newest at this
     * login are handed on, and lost connections are replaced. A failure here is thrown,
     * not retried: an {@link UnreachableServerException}, or the server's {@link ChatException}.
     *
     * @return the user's newest seq at login (what came before it: {@link #readInbox})
     */
    public long open() throws IOException {
        long newest = connectAndLogin(ChatClient.FROM_NEWEST);
        deliverLock.lock();
        try {
            lastSeq = Math.max(lastSeq, newest);
        } finally {
            deliverLock.unlock();
        }
        supervisor = Thread.ofVirtual().name("chat-reconnect-" + uid).start(this::supervise);
        pinger = Thread.ofVirtual().name("chat-ping-" + uid).start(this::pingLoop);
        return newest;
    }

    /** Reads stored messages with seq in (afterSeq, upToSeq] on the live connection (see {@link ChatClient#readInbox}). */
    public void readInbox(long afterSeq, long upToSeq, Consumer<offsetMsg> each) throws IOException {
        ChatClient client = awaitConnected(null);
        if (client == null) {
            throw new IOException("the chat has stopped");
        }
        client.readInbox(afterSeq, upToSeq, each);
    }

    public long uid() {
        return uid;
    }

    public boolean isConnected() {
        lock.lock();
        try {
            return current != null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the chat stopped for good (or was closed). */
    public boolean isStopped() {
        lock.lock();
        try {
            return stopped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The live connection, waiting for one while reconnecting; null once the chat has stopped.
     *
     * @param failed a connection the caller just saw fail, which must not be handed back
     *               even if its loss has not been noticed yet (null: none)
     */
    public ChatClient awaitConnected(ChatClient failed) {
        lock.lock();
        try {
            while (!stopped && (current == null || current == failed)) {
                changed.await();
            }
            return stopped ? null : current;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    private long connectAndLogin(long fromSeq) throws IOException {
        ConnectionListener listener = new ConnectionListener();
        ChatClient client = route.connect(listener);
        listener.client = client;
        long newest;
        try {
            newest = client.login(uid, tokens.apply(uid), fromSeq, true);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        lock.lock();
        try {
            if (stopped || client.isClosed()) {
                // Closed by us meanwhile, or lost before it became current (its loss was ignored then).
                client.close();
                throw new IOException(stopped ? "the chat has stopped" : "connection lost right after login");
            }
            current = client;
            connectedAtNanos = System.nanoTime();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return newest;
    }

    /** Messages from any connection pass here: one seq is handed on once, whichever connection brought it. */
    private void deliver(offsetMsg message) {
        deliverLock.lock();
        try {
            if (message.getSeq() <= lastSeq) {
                return; // the previous connection's sync was still delivering its last page
            }
            lastSeq = message.getSeq();
            events.message(message);
        } finally {
            deliverLock.unlock();
        }
    }

    private long lastSeq() {
        deliverLock.lock();
        try {
            return lastSeq;
        } finally {
            deliverLock.unlock();
        }
    }

    private void lost(ChatClient client, IOException cause) {
        lock.lock();
        try {
            if (current == client) {
                current = null;
                lossCause = cause;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void supervise() {
        int attempt = 0;
        while (true) {
            IOException cause;
            lock.lock();
            try {
                while (!stopped && current != null) {
                    changed.awaitUninterruptibly();
                }
                if (stopped) {
                    return;
                }
                cause = lossCause;
                if (System.nanoTime() - connectedAtNanos >= STABLE.toNanos()) {
                    attempt = 0;
                }
            } finally {
                lock.unlock();
            }
            if (cause instanceof ChatException kicked
                    && (kicked.code() == ErrorCode.SESSION_REPLACED || kicked.code() == ErrorCode.TOKEN_REVOKED)) {
                stop(ErrorWords.of(kicked.code(), Attempt.login(uid)) + "; not reconnecting");
                return;
            }
            Duration wait = backoff.delay(attempt++);
            events.notice("connection lost; reconnecting in " + seconds(wait));
            while (true) {
                if (!sleep(wait)) {
                    return;
                }
                try {
                    connectAndLogin(lastSeq());
                    events.notice("reconnected to " + describeCurrent());
                    break;
                } catch (ChatException refused) {
                    if (FINAL_LOGIN_REFUSALS.contains(refused.code())) {
                        stop(ErrorWords.of(refused, Attempt.login(uid)) + "; not reconnecting");
                        return;
                    }
                    wait = longer(backoff.delay(attempt++), refused.retryAfter());
                    events.notice(ErrorWords.of(refused, Attempt.login(uid)) + "; retrying in " + seconds(wait));
                } catch (IOException unreachable) {
                    if (isStopped()) {
                        return;
                    }
                    wait = backoff.delay(attempt++);
                    events.notice(unreachable.getMessage() + "; retrying in " + seconds(wait));
                }
            }
        }
    }

    /** The access server of the live connection ("host:port"), or the route's name while there is none. */
    public String accessAddress() {
        return describeCurrent();
    }

    private String describeCurrent() {
        lock.lock();
        try {
            InetSocketAddress address = current == null ? null : current.accessAddress();
            return address == null ? route.name() : UnreachableServerException.format(address);
        } finally {
            lock.unlock();
        }
    }

    private void pingLoop() {
        ChatClient client = null;
        while (true) {
            if (!sleep(PING_INTERVAL)) {
                return;
            }
            try {
                client = awaitConnected(null);
                if (client == null) {
                    return;
                }
                client.ping();
            } catch (IOException noAnswer) {
                // A connection that does not answer within the reply timeout is as good as lost.
                client.abort();
            }
        }
    }

    /** Sleeps unless stopped; false when the chat stopped (or the thread was interrupted). */
    private boolean sleep(Duration wait) {
        lock.lock();
        try {
            long nanos = wait.toNanos();
            while (!stopped && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return !stopped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void stop(String why) {
        if (markStopped()) {
            events.ended(why);
        }
    }

    private boolean markStopped() {
        lock.lock();
        try {
            boolean first = !stopped;
            stopped = true;
            changed.signalAll();
            return first;
        } finally {
            lock.unlock();
        }
    }

    /** Logs out (when connected) and closes; no reconnect after this. */
    @Override
    public void close() {
        markStopped();
        ChatClient client;
        lock.lock();
        try {
            client = current;
            current = null;
        } finally {
            lock.unlock();
        }
        if (client != null) {
            try {
                client.logout();
            } catch (IOException ignored) {
                // leaving anyway
            }
            client.close();
        }
        for (Thread t : new Thread[] {supervisor, pinger}) {
            if (t != null) {
                try {
                    t.join(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** Ties one connection's callbacks to it, so that a late callback of a replaced connection changes nothing. */
    private final class ConnectionListener implements ChatClient.Listener {
        private volatile ChatClient client;

        @Override
        public void onMessage(offsetMsg message) {
            deliver(message);
        }

        @Override
        public void onClosed(IOException cause) {
            ChatClient mine = client;
            if (mine != null) {
                lost(mine, cause);
            }
        }
    }
}
