package fishchat.libnet;

/** Why a connection was refused at admission, before any session existed. */
public enum Refusal {
    /** The server holds {@code maxConnections} already. */
    OVER_CAPACITY,
    /** The source address holds {@code maxConnectionsPerIp} already. */
    ADDRESS_CAP,
    /** The source address opened connections faster than {@code newConnectionsPerIpPerSecond}. */
    ADDRESS_RATE,
    /** The server accepted connections faster than {@code newConnectionsPerSecond}. */
    SERVER_RATE;

    /** What the server answers a refused connection with, before closing it. */
    @FunctionalInterface
    public interface Answers {
        /**
         * The encoded frame to send, or null to close without an answer.
         *
         * @param retryAfterMillis when a retry can succeed, as far as the server knows; 0 when it cannot tell
         */
        byte[] frame(Refusal why, long retryAfterMillis);
    }
}
