package fishchat.libnet;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * What a session's frames travel over: a TCP socket (plain or TLS, {@link SocketTransport}),
 * or a WebSocket connection from another package. The session loop, the handlers, the caps
 * and the timeouts are the same whatever the transport: only how a frame body is delimited
 * on the wire differs.
 *
 * <p>{@link #read} is called by the session's own thread only. {@link #write} and
 * {@link #finishOutput} are serialized by the {@link Session}. {@link #close} may come from
 * any thread at any time and must unblock a read or write under way.
 */
public interface Transport {
    /**
     * The next frame body, or null when the peer ended the stream cleanly between frames.
     *
     * @throws java.io.EOFException the stream ended inside a frame
     * @throws FrameTooLargeException the peer announced more than the body limit
     */
    byte[] read() throws IOException;

    /** Writes one encoded frame ({@link Frames#encode}: the length header, then the body). */
    void write(byte[] frame) throws IOException;

    /**
     * Ends our direction after what was written, keeping reads open (TCP: FIN; WebSocket: a
     * Close frame carrying {@code reason}), so the peer reads everything before it sees the end.
     */
    void finishOutput(String reason) throws IOException;

    /**
     * After {@link #finishOutput}, on the session thread: reads and drops what the peer still
     * sends until it closes, within a bound of time and bytes. Closing with unread input would
     * make the kernel answer with a reset, which can destroy a reply still in flight.
     */
    void drainInput();

    /** Closes at once; a read or write blocked on another thread fails. */
    void close() throws IOException;

    SocketAddress remoteAddress();

    /** True when the bytes travel encrypted (TLS, wss). */
    boolean secure();
}
