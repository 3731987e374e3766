package fishchat.store;

/**
 * A stored message's place in one inbox. {@code ownCopy}: the inbox is the sender's own (a
 * one-to-one message it sent, copied there for its other devices), which only sessions that asked
 * for own copies at login are told of.
 */
public record Delivery(long uid, long seq, boolean ownCopy) {
    public Delivery(long uid, long seq) {
        this(uid, seq, false);
    }
}
