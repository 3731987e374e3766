package fishchat.store;

import java.time.Duration;
import java.util.List;

/**
 * The durable outbox of webhook events: every message stored and every user going online or
 * offline is written, once per registered receiver, in the same transaction as what it describes,
 * so an event exists exactly when its cause committed, and survives whatever happens to the node.
 *
 * <p>A receiver is registered while some node claims it ({@link #claim}, every few seconds): events
 * are written for the receivers claimed within {@link #RECORDING_GRACE}, so a restart or a node that
 * is down for a while loses none, and a receiver that no node names any more stops being written
 * for a day later. Its undelivered events are deleted with the messages (--retention).
 */
public interface EventOutbox {
    /** How long after the last claim a receiver's events are still written. */
    Duration RECORDING_GRACE = Duration.ofHours(24);

    /**
     * Registers {@code target} and tries to hold its delivery lease until {@code nowMillis + lease}:
     * true when {@code holder} holds it (it was free, expired, or already this holder's). One holder
     * at a time delivers a receiver's events, so they reach it in order.
     */
    boolean claim(String target, String holder, long nowMillis, Duration lease);

    /** The oldest events waiting for {@code target}, oldest first, at most {@code limit}. */
    List<OutboxEvent> pending(String target, int limit);

    /** Deletes delivered events. */
    void delivered(String target, List<Long> ids);

    /** Events waiting for {@code target} (for metrics). */
    long backlog(String target);
}
