package fishchat.libnet;

import java.util.function.LongFunction;

/** Why a connection was refused at admission, before anything of it was read. */
public enum Refusal {
    /** The server holds its {@code maxConnections} already. */
    OVER_CAPACITY,
    /** The source address holds its {@code maxConnectionsPerIp} already. */
    ADDRESS_CAP,
    /** The source address opened connections faster than {@code newConnectionsPerIpPerSecond}. */
    ADDRESS_RATE,
    /** The server accepted connections faster than {@code newConnectionsPerSecond}. */
    SERVER_RATE;

    /** What the server answers a refused connection with, before closing it. */
    @FunctionalInterface
    public interface Answers {
        /**
         * The frame to send, or null to close without an answer.
         *
         * @param retryAfterMillis when a retry can succeed, as far as the server knows; 0 when it cannot tell
         */
        Frame frame(Refusal why, long retryAfterMillis);

        /**
         * Answers made of frame bodies: one for a full server, one for an address at its cap,
         * and one per rate, given the retry hint.
         */
        static Answers of(byte[] overCapacity, byte[] addressCap, LongFunction<byte[]> addressRate,
                          LongFunction<byte[]> serverRate) {
            Frame full = Frame.of(overCapacity);
            Frame busy = Frame.of(addressCap);
            return (why, retryAfterMillis) -> switch (why) {
                case OVER_CAPACITY -> full;
                case ADDRESS_CAP -> busy;
                case ADDRESS_RATE -> Frame.of(addressRate.apply(retryAfterMillis));
                case SERVER_RATE -> Frame.of(serverRate.apply(retryAfterMillis));
            };
        }
    }
}
