package fishchat.store;

import java.util.List;

/**
 * Told of what other nodes sharing the store committed, so that this node can act on it for its
 * own sessions: new messages (notify the online recipients), revocations (end the sessions of
 * revoked tokens) and presence changes (tell sessions that watch those users). Called on a store
 * thread: implementations must not block.
 */
public interface DeliveryListener {
    /** New messages are in these inboxes, up to these seqs (per uid, the newest only). */
    void delivered(List<Delivery> deliveries);

    /**
     * Announcements may have been missed (the store's feed was broken and is back): tell
     * every online user its newest seq, and check their tokens against revocations. May block
     * briefly; called on the feed's own thread.
     */
    void resynchronize();

    /** Tokens of {@code uid} issued before {@code atMillis} are revoked. */
    default void revoked(long uid, long atMillis) {
    }

    /** These users' presence changed. */
    default void presenceChanged(List<Presence> changes) {
    }
}
