package fishchat.discovery;

import java.time.Duration;
import java.util.List;

/**
 * Where access servers announce themselves and gateways find them. Implementations bound
 * every call in time and throw {@link RegistryUnavailableException} when the backing
 * service cannot be reached; callers keep their last good state then.
 */
public interface Registry extends AutoCloseable {
    /** Creates or refreshes a node's entry; it disappears by itself {@code ttl} after the last call. */
    void publish(AccessNode node, Duration ttl);

    /** Removes a node's entry at once (orderly shutdown). Absent entries are fine. */
    void withdraw(String nodeId);

    /** Every live access node; empty when there is none. */
    List<AccessNode> accessNodes();

    @Override
    void close();
}
