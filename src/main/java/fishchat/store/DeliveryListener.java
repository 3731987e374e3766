package fishchat.store;

import java.util.List;

/**
 * Told of messages the store committed, so that a node can notify its online recipients.
 * Called on a store thread: implementations must not block.
 */
public interface DeliveryListener {
    /** New messages are in these inboxes, up to these seqs (per uid, the newest only). */
    void delivered(List<Delivery> deliveries);

    /**
     * Announcements may have been missed (the store's feed was broken and is back): tell
     * every online user its newest seq. May block briefly; called on the feed's own thread.
     */
    void resynchronize();
}
