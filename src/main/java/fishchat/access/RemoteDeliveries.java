package fishchat.access;

import fishchat.chat.Messaging;
import fishchat.store.Delivery;
import fishchat.store.DeliveryListener;
import fishchat.store.MessageStore;
import fishchat.store.Presence;
import fishchat.store.StoreUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Relays what other nodes committed (through the shared store's feed) to this node's sessions:
 * new messages to the online recipients, revocations to the sessions they end, presence changes
 * to the sessions that watch those users. When the feed may have missed something it re-announces
 * every online user's newest seq (so that no client waits for its next periodic sync), checks
 * their tokens against revocations, and pushes the presence of every watched user.
 */
final class RemoteDeliveries implements DeliveryListener {
    private static final System.Logger LOG = System.getLogger(RemoteDeliveries.class.getName());
    /** Users asked about per store read: one bounded query, not one per user. */
    private static final int CHUNK = 1000;

    private final OnlineUsers online;
    private final Messaging messaging;
    private final MessageStore store;
    private final Revoker revoker;
    private final PresenceWatchers watchers;

    RemoteDeliveries(OnlineUsers online, Messaging messaging, MessageStore store, Revoker revoker, PresenceWatchers watchers) {
        this.online = online;
        this.messaging = messaging;
        this.store = store;
        this.revoker = revoker;
        this.watchers = watchers;
    }

    @Override
    public void delivered(List<Delivery> deliveries) {
        messaging.heard(deliveries); // first: a sync the notify prompts must not be answered from what memory held
        online.notify(deliveries);
    }

    @Override
    public void revoked(long uid, long atMillis) {
        revoker.revoked(uid, atMillis);
    }

    @Override
    public void presenceChanged(List<Presence> changes) {
        watchers.publish(changes);
    }

    @Override
    public void resynchronize() {
        renotify();
        revoker.recheckEveryone();
        republishPresence();
    }

    private void republishPresence() {
        List<Long> watched = watchers.watched();
        try {
            for (int from = 0; from < watched.size(); from += CHUNK) {
                watchers.publish(store.presence().read(watched.subList(from, Math.min(watched.size(), from + CHUNK))));
            }
        } catch (StoreUnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "store feed resumed but reading presence failed: {0}", e.getMessage());
        }
    }

    private void renotify() {
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
                messaging.heard(deliveries);
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
