package fishchat.store.jdbc;

import java.sql.SQLException;
import java.util.List;

/**
 * The webhook receivers whose events a store writes now, read again at most every
 * {@link #REFRESH_MILLIS} by the writer that needs them (inside its own transaction), and at once
 * when this node registers one.
 */
public final class RecordedTargets {
    static final long REFRESH_MILLIS = 2_000;

    private volatile List<String> targets = List.of();
    private volatile long readAt = Long.MIN_VALUE;

    /** The receivers, read again when the last read is older than {@link #REFRESH_MILLIS}. */
    public List<String> current(Statements statements, long nowMillis) throws SQLException {
        if (nowMillis - readAt >= REFRESH_MILLIS || nowMillis < readAt) {
            targets = OutboxRows.recorded(statements, nowMillis);
            readAt = nowMillis;
        }
        return targets;
    }

    /** A receiver this node just registered: written for from the next transaction on. */
    public void add(String target) {
        List<String> now = targets;
        if (!now.contains(target)) {
            targets = java.util.stream.Stream.concat(now.stream(), java.util.stream.Stream.of(target)).sorted().toList();
        }
    }
}
