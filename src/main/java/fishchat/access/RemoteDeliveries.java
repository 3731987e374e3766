package fishchat.access;

import fishchat.store.Delivery;
import fishchat.store.DeliveryListener;
import fishchat.store.MessageStore;
import fishchat.store.StoreUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Relays what other nodes stored (through the shared store's feed) to this node's online
 * sessions, and re-announces every online user's newest seq when the feed may have missed
 * something, so that no client waits for its next periodic sync.
 */
final class RemoteDeliveries implements DeliveryListener {
    private static final System.Logger LOG = System.getLogger(RemoteDeliveries.class.getName());
    /** Users asked about per store read: one bounded query, not one per user. */
    private static final int CHUNK = 1000;

    private final OnlineUsers online;
    private final MessageStore store;

    RemoteDeliveries(OnlineUsers online, MessageStore store) {
        this.online = online;
        this.store = store;
    }

    @Override
    public void delivered(List<Delivery> deliveries) {
        online.notify(deliveries);
    }

    @Override
    public void resynchronize() {
        List<Long> uids = online.uids();
        if (uids.isEmpty()) {
            return; // e.g. the feed's first connection, before anyone logged in
        }
        int notified = 0;
        try {
            for (int from = 0; from < uids.size(); from += CHUNK) {
                Map<Long, Long> newest = store.lastSeqs(uids.subList(from, Math.min(uids.size(), from + CHUNK)));
                List<Delivery> deliveries = new ArrayList<>(newest.size());
                newest.forEach((uid, seq) -> deliveries.add(new Delivery(uid, seq)));
                online.notify(deliveries);
                notified += deliveries.size();
            }
            LOG.log(System.Logger.Level.INFO, "store feed resumed: re-notified {0} of {1} online users",
                    notified, uids.size());
        } catch (StoreUnavailableException e) {
            // The feed is back but reads fail: clients still sync on their own schedule.
            LOG.log(System.Logger.Level.WARNING, "store feed resumed but re-notifying failed after {0} users: {1}",
                    notified, e.getMessage());
        }
    }
}
