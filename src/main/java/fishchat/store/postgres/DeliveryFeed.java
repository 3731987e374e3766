package fishchat.store.postgres;

import fishchat.store.Delivery;
import fishchat.store.DeliveryListener;
import fishchat.store.Presence;
import fishchat.store.Subscription;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners of one store, and the one way a store tells them what other nodes committed. */
final class DeliveryFeed {
    private static final System.Logger LOG = System.getLogger(DeliveryFeed.class.getName());

    private final List<DeliveryListener> listeners = new CopyOnWriteArrayList<>();

    Subscription subscribe(DeliveryListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(List<Delivery> deliveries) {
        for (DeliveryListener listener : listeners) {
            try {
                listener.delivered(deliveries);
            } catch (RuntimeException e) { // one broken listener must not stop the others, nor the store
                LOG.log(System.Logger.Level.ERROR, "delivery listener failed", e);
            }
        }
    }

    void revoked(long uid, long atMillis) {
        for (DeliveryListener listener : listeners) {
            try {
                listener.revoked(uid, atMillis);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "delivery listener failed on a revocation", e);
            }
        }
    }

    void presenceChanged(List<Presence> changes) {
        for (DeliveryListener listener : listeners) {
            try {
                listener.presenceChanged(changes);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "delivery listener failed on a presence change", e);
            }
        }
    }

    void resynchronize() {
        for (DeliveryListener listener : listeners) {
            try {
                listener.resynchronize();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "delivery listener failed to resynchronize", e);
            }
        }
    }
}
