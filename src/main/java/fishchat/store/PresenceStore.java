package fishchat.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Who is online on which node, kept in the store so that every node (and the server API of any
 * node) sees the same answer. Each node writes only its own rows, as absolute device counts per
 * user, and keeps a lease on them; a node whose lease runs out (it died) has its rows taken away by
 * whichever node sweeps first. Each call returns the users whose presence across all nodes
 * changed; a store shared by several nodes also tells the others ({@link DeliveryListener#presenceChanged}).
 * When webhook receivers are registered ({@link EventOutbox}), a user going online or offline is an
 * event written in the same transaction.
 */
public interface PresenceStore {
    /** Sets {@code node}'s device count of each user (0: none left there) as of {@code nowMillis}. */
    List<Presence> record(String node, Map<Long, Integer> devices, long nowMillis);

    /** The presence of these users (never seen: {@link Presence#neverSeen}), in the order asked. */
    List<Presence> read(Collection<Long> uids);

    /**
     * Extends {@code node}'s lease to {@code nowMillis + lease}. False when it held none: the node
     * is new, or it was swept as dead while it was cut off; then it must {@link #record} all its
     * users again.
     */
    boolean renewLease(String node, long nowMillis, Duration lease);

    /** Takes offline the users of every node whose lease ran out before {@code nowMillis}, and forgets those nodes. */
    List<Presence> sweepExpired(long nowMillis);

    /** An orderly stop of {@code node}: its users offline there, its lease gone. */
    List<Presence> leave(String node, long nowMillis);
}
