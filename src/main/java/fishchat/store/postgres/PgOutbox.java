package fishchat.store.postgres;

import fishchat.store.EventOutbox;
import fishchat.store.OutboxEvent;
import fishchat.store.jdbc.OutboxRows;
import fishchat.store.jdbc.RecordedTargets;

import java.time.Duration;
import java.util.List;

/** The webhook outbox on PostgreSQL, each call on a pooled connection. */
final class PgOutbox implements EventOutbox {
    private final PgConnections connections;
    private final RecordedTargets webhooks;

    PgOutbox(PgConnections connections, RecordedTargets webhooks) {
        this.connections = connections;
        this.webhooks = webhooks;
    }

    @Override
    public boolean claim(String target, String holder, long nowMillis, Duration lease) {
        boolean held = connections.withStatements(s -> OutboxRows.claim(s, target, holder, nowMillis, lease));
        webhooks.add(target);
        return held;
    }

    @Override
    public List<OutboxEvent> pending(String target, int limit) {
        return connections.withStatements(s -> OutboxRows.pending(s, target, limit));
    }

    @Override
    public void delivered(String target, List<Long> ids) {
        connections.transaction(c -> {
            try (var statements = new fishchat.store.jdbc.ClosingStatements(c)) {
                OutboxRows.delete(statements, target, ids);
            }
            return null;
        });
    }

    @Override
    public long backlog(String target) {
        return connections.withStatements(s -> OutboxRows.backlog(s, target));
    }
}
