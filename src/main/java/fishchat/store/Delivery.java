package fishchat.store;

/** A stored message's place in one recipient's inbox. */
public record Delivery(long uid, long seq) {
}
