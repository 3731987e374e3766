package fishchat.store;

import java.util.List;

/**
 * Durable inboxes with per-user sequence numbers, dedup of resends, and group membership.
 * Every method may be called from any thread, virtual ones included; an implementation
 * keeps blocking native or network work off the caller's carrier as it needs to. Every
 * method throws {@link StoreUnavailableException} when it cannot answer in time.
 */
public interface MessageStore extends AutoCloseable {
    /**
     * Stores a message durably in each recipient's inbox under that recipient's next seq,
     * and returns only once it is committed.
     */
    AppendResult append(NewMessage message);

    /** The newest seq of a user's inbox; 0 when the user has none. */
    long lastSeq(long uid);

    /** Up to {@code limit} messages with seq > {@code afterSeq}, oldest first. */
    List<StoredMessage> readInbox(long uid, long afterSeq, int limit);

    /** Adds a member; false when already one. */
    boolean join(long groupId, long uid);

    /** Removes a member; false when not one. */
    boolean leave(long groupId, long uid);

    List<Long> members(long groupId);

    /**
     * Deletes up to {@code limit} inbox entries (and up to as many dedup keys) older than the
     * given time; returns the inbox entries deleted. Callers repeat until it returns less than
     * {@code limit}: one bounded transaction at a time, so sends are never held up for long.
     */
    long purgeOlderThan(long epochMillis, int limit);

    /** Why the store cannot take writes right now (its last write failed), or empty. */
    default java.util.Optional<String> problem() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
