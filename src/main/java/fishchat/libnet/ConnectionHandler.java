package fishchat.libnet;

/**
 * What a listener's connections carry: frames ({@link FrameServer}), or HTTP (in another
 * package). A {@link Server} admits a connection, then runs {@link #serve} on the connection's
 * own virtual thread.
 */
public interface ConnectionHandler {
    /**
     * Serves the connection until it ends, on its own virtual thread. Failures that belong to
     * the client (EOF, a reset, bad input) are the handler's to deal with; the server closes the
     * connection when this returns, and logs what it throws as a bug.
     */
    void serve(Connection connection);

    /**
     * The bytes a connection refused at admission is told before it is closed, or null to close
     * it without a word.
     *
     * @param retryAfterMillis when a retry can succeed, as far as the server knows; 0 when it cannot tell
     */
    default byte[] refusal(Refusal why, long retryAfterMillis) {
        return null;
    }
}
