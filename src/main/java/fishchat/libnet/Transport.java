package fishchat.libnet;

import java.io.IOException;

/**
 * How a session's frames travel over its {@link Connection}: with a 2-byte length header on a
 * TCP (or TLS) socket ({@link SocketTransport}), or one per binary message on a WebSocket
 * (another package). The session loop, the handlers, the caps and the timeouts are the same
 * whatever the transport: only how a frame body is delimited on the wire differs. Closing is
 * the connection's: it closes the socket, which fails a read or write under way.
 *
 * <p>{@link #read} is called by the connection's own thread only; {@link #write} and
 * {@link #finishOutput} are serialized by the session's writer.
 */
public interface Transport {
    /**
     * The next frame body, or null when the peer ended the stream cleanly between frames.
     *
     * @throws java.io.EOFException the stream ended inside a frame
     * @throws FrameTooLargeException the peer announced more than the body limit
     */
    byte[] read() throws IOException;

    void write(Frame frame) throws IOException;

    /**
     * Ends our direction after what was written, keeping reads open (TCP: FIN; WebSocket: a
     * Close frame carrying {@code reason}), so the peer reads everything before it sees the end.
     */
    void finishOutput(String reason) throws IOException;

    /**
     * After {@link #finishOutput}, on the connection's thread: reads and drops what the peer
     * still sends until it closes, within a bound of time and bytes. Closing with unread input
     * would make the kernel answer with a reset, which can destroy a reply still in flight.
     */
    void drainInput();
}
