package fishchat.libnet;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * A client's session: frames over a {@link Connection}, as its handler sees it. Its thread
 * (the connection's) reads frames and handles them in turn ({@link SessionLoop}); replies are
 * written by the thread handling the request, pushes from any thread through a queue
 * ({@link SessionWriter}). What the protocol layer knows of the client (who logged in) hangs
 * on it as one {@linkplain #attach attachment}.
 *
 * <p>Its life is its connection's (see {@link Connection} for the states a stop moves it
 * through): closing the session closes the connection, and a session whose connection closed
 * is over. Fields are few: an idle session should cost little more than its socket.
 */
public final class Session {
    private final Connection connection;
    private final Transport transport;
    private final SessionWriter writer;
    private final ServerStats stats;
    private volatile Object attachment;
    /** A short text for log lines, e.g. "uid=42". */
    private volatile String label;
    /** Set by a handler (e.g. logout) or a last push: end the session once the current reply is out. */
    private volatile String endAfterReply;
    /** Requests its handler refused as the client's fault (e.g. logins with a bad token); the session's own thread counts. */
    private int faults;

    Session(Connection connection, Transport transport, int pushQueueCapacity, ServerStats stats) {
        this.connection = connection;
        this.transport = transport;
        this.stats = stats;
        this.writer = new SessionWriter(this, connection, transport, pushQueueCapacity, stats);
    }

    public long id() {
        return connection.id();
    }

    public SocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    /** True when the client reached us encrypted (TLS, wss). */
    public boolean secure() {
        return connection.secure();
    }

    Connection connection() {
        return connection;
    }

    /** What frames travel over; read by the session's own thread only. */
    Transport transport() {
        return transport;
    }

    /** A frame came in: the connection's idle clock restarts, and it is counted. */
    void received(byte[] body) {
        connection.active();
        stats.framesIn.increment();
        stats.bytesIn.add(Frame.HEADER_BYTES + body.length);
    }

    /** Sends one frame body; the caller's thread does the write. */
    public void send(byte[] body) throws IOException {
        writer.write(Frame.of(body));
    }

    /** Sends an encoded frame, e.g. a reply made once and sent to many. */
    public void send(Frame frame) throws IOException {
        writer.write(frame);
    }

    /** An action that may write to the session. */
    @FunctionalInterface
    public interface Writes {
        void run() throws IOException;
    }

    /**
     * Runs {@code work} that may park deep in a call chain (e.g. waiting for a database) on a
     * short-lived virtual thread, while this session's thread waits for it at a shallow frame,
     * so the session keeps a small stack while it idles ({@link DeepWork}). Returns when the
     * work is done, with its exception if it threw one. Answering from memory needs none of this.
     */
    public void runDeep(Writes work) throws IOException {
        DeepWork.run(work);
    }

    /**
     * Runs {@code writes} while no push can be written: pushes queued meanwhile follow
     * whatever {@code writes} sent. E.g. a login reply must reach the client before the first
     * notify for the newly logged-in user.
     */
    public void holdingPushes(Writes writes) throws IOException {
        writer.holding(writes);
    }

    /**
     * Queues a frame body for this client without blocking the caller. Returns false, and
     * closes the session, when the queue is full: the client is not reading.
     */
    public boolean push(byte[] body) {
        return writer.push(Frame.of(body), null, null, null);
    }

    /**
     * Queues {@code frame} without blocking the caller; a frame still waiting in the queue under
     * the same {@code coalesceKey} is replaced by {@code whenCoalesced} instead (e.g. queued
     * message pushes folded into one "you have messages up to seq N"), so a burst costs one
     * frame. False, and the session closed, when the queue is full.
     */
    public boolean push(Frame frame, Object coalesceKey, Frame whenCoalesced) {
        return writer.push(frame, coalesceKey, whenCoalesced, null);
    }

    /**
     * Queues a last frame (e.g. "you were replaced"), after which the session ends with
     * {@code reason}; the caller does not wait for it.
     */
    public boolean pushThenClose(byte[] body, String reason) {
        return writer.push(Frame.of(body), null, null, reason);
    }

    /**
     * What the protocol layer keeps about this session (e.g. who logged in): one reference,
     * not a map, since every logged-in connection carries it.
     */
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }

    /** A short text for this session's log lines (e.g. "uid=42"), or null. */
    public void setLabel(String value) {
        label = value;
    }

    /** Whether a handler has named this session (e.g. its uid, once logged in). */
    boolean labelled() {
        return label != null;
    }

    /** Counts a request refused as the client's fault; returns how many this session has had, so a handler can end it. */
    public int fault() {
        return ++faults;
    }

    /** Asks the session loop to end the session, gracefully, once the current reply is written. */
    public void endAfterReply(String reason) {
        endAfterReply = reason;
    }

    String endAfterReply() {
        return endAfterReply;
    }

    /**
     * From a pusher's thread, after a last frame: sends FIN so the frame is delivered intact;
     * the session thread then reads the client's close (or the sweeper ends it).
     */
    void endByServer(String reason) {
        endAfterReply = reason;
        try {
            writer.finishOutput(reason);
        } catch (IOException e) {
            close(reason);
        }
    }

    /**
     * Ends the session without a reset: ends our direction after what was written, reads and
     * drops what the client still sends (bounded), then closes. Closing with unread input would
     * make the kernel answer with a reset, which can destroy a reply still in the send buffer.
     */
    void closeGracefully(String reason) {
        try {
            writer.finishOutput(reason);
            transport.drainInput();
        } catch (IOException e) {
            // The client is gone: nothing left to deliver.
        }
        close(reason);
    }

    public boolean isClosed() {
        return connection.isClosed();
    }

    /** Why the session closed, or null while it is open. */
    public String closeReason() {
        return connection.closeReason();
    }

    /** Closes once, from any thread; later calls do nothing. Unblocks the session thread's read. */
    public void close(String reason) {
        connection.close(reason);
    }

    @Override
    public String toString() {
        String l = label;
        return "session " + connection.id() + (l == null ? "" : " " + l);
    }
}
