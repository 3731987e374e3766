package fishchat.store;

import fishchat.metrics.Metrics;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable inboxes with per-user sequence numbers, dedup of resends, and group membership.
 * Every method may be called from any thread, virtual ones included; an implementation
 * keeps blocking native or network work off the caller's carrier as it needs to. Every
 * method throws {@link StoreUnavailableException} when it cannot answer in time.
 */
public interface MessageStore extends AutoCloseable {
    /**
     * Stores a message durably in each recipient's inbox under that recipient's next seq,
     * and returns only once it is committed. A one-to-one message from a user (not the system,
     * sender 0) to another is also stored in the sender's inbox, under the sender's next seq: its
     * own copy ({@link Delivery#ownCopy}). A group message from the system (sender 0) needs no
     * membership. With webhook receivers registered, each recipient's copy (not the own copy) is
     * also a {@code message.stored} event, written in the same transaction.
     */
    AppendResult append(NewMessage message);

    /** The newest seq of a user's inbox; 0 when the user has none. */
    long lastSeq(long uid);

    /** The newest seq and the revocation time of a user, in one read: what a login checks. */
    LoginState loginState(long uid);

    /**
     * Refuses, from now on, every token of {@code uid} issued before {@code atMillis} (an earlier
     * revocation that is later stays). A store shared by several nodes tells the others
     * ({@link DeliveryListener#revoked}). Returns the revocation time in force.
     */
    long revoke(long uid, long atMillis);

    /** The revocation times of those of {@code uids} that were ever revoked. */
    Map<Long, Long> revocations(Collection<Long> uids);

    /** {@link #lastSeq} of many users at once (users without an inbox are left out). */
    default Map<Long, Long> lastSeqs(Collection<Long> uids) {
        Map<Long, Long> newest = new HashMap<>();
        for (long uid : uids) {
            long seq = lastSeq(uid);
            if (seq > 0) {
                newest.put(uid, seq);
            }
        }
        return newest;
    }

    /**
     * Tells {@code listener}, for as long as the subscription lasts, of the messages that
     * <em>other</em> nodes sharing this store commit (this node announces its own sends
     * right after acknowledging them). A store that no other node writes to live has
     * nothing to tell.
     */
    default Subscription subscribe(DeliveryListener listener) {
        return () -> { };
    }

    /** Up to {@code limit} messages with seq > {@code afterSeq}, oldest first. */
    List<StoredMessage> readInbox(long uid, long afterSeq, int limit);

    /** Adds a member, unless already one or a member of {@code maxGroupsPerUser} groups. */
    JoinResult join(long groupId, long uid, int maxGroupsPerUser);

    /** Removes a member; false when not one. */
    boolean leave(long groupId, long uid);

    List<Long> members(long groupId);

    /** Up to {@code limit} members of the group with a uid above {@code afterUid}, by uid. */
    List<Long> members(long groupId, long afterUid, int limit);

    /** Who is online on which node. */
    PresenceStore presence();

    /** Webhook events waiting for their receivers. */
    EventOutbox outbox();

    /**
     * Deletes up to {@code limit} inbox entries (and up to as many dedup keys and undelivered
     * webhook events) older than the given time; returns the inbox entries deleted. Callers repeat until it returns less than
     * {@code limit}: one bounded transaction at a time, so sends are never held up for long.
     */
    long purgeOlderThan(long epochMillis, int limit);

    /** Why the store cannot take writes right now (its last write failed), or empty. */
    default Optional<String> problem() {
        return Optional.empty();
    }

    /** Registers the store's figures (commits, commit latency, queue length) in {@code metrics}. */
    void instrument(Metrics metrics);

    @Override
    void close();
}
