package fishchat.bench;

import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One load user of the soak across its reconnects: the connection it holds now, and the
 * newest inbox seq it has been handed, which its next login syncs from. A reconnect waits
 * for the user's send or ping in flight, so the churn the load asks for never shows up as
 * errors; what does is the server's doing.
 */
final class SoakUser {
    private final int n;
    private final LoadUsers load;
    private final Consumer<offsetMsg> onNewMessage;
    private final ReentrantLock lock = new ReentrantLock();
    /** Newest seq handed to {@link #onNewMessage}. */
    private final AtomicLong seq = new AtomicLong();
    /** Guarded by lock. */
    private ChatClient client;

    /** @param onNewMessage gets each inbox message once, however many connections synced it */
    SoakUser(int n, LoadUsers load, Consumer<offsetMsg> onNewMessage) {
        this.n = n;
        this.load = load;
        this.onNewMessage = onNewMessage;
    }

    long uid() {
        return load.uid(n);
    }

    /** The first login: from the newest seq, since earlier runs' messages are not this run's. */
    ChatClient logIn() throws IOException {
        lock.lock();
        try {
            client = load.logIn(n, this::received, ChatClient.FROM_NEWEST);
            seq.accumulateAndGet(client.lastSeq(), Math::max);
            return client;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the connection and logs in again (through the gateway, when users come through
     * one), syncing from the newest seq this user was handed. When the login fails the user
     * is left with its closed connection: its next request fails, and the caller tries again.
     */
    void reconnect() throws IOException {
        lock.lock();
        try {
            client.close();
            client = load.logIn(n, this::received, seq.get());
        } finally {
            lock.unlock();
        }
    }

    ErrorCode send(long targetUid, String text) throws IOException {
        lock.lock();
        try {
            return client.sendP2P(targetUid, "", text);
        } finally {
            lock.unlock();
        }
    }

    ErrorCode ping() throws IOException {
        lock.lock();
        try {
            return client.ping();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A closed connection's sync loop may still hand over a page it had fetched while the new
     * connection syncs the same seqs: both run in seq order from at most the newest seq
     * handed on, so passing on only seqs above it hands each message on exactly once.
     */
    private void received(offsetMsg message) {
        long newest;
        do {
            newest = seq.get();
            if (message.getSeq() <= newest) {
                return;
            }
        } while (!seq.compareAndSet(newest, message.getSeq()));
        onNewMessage.accept(message);
    }
}
