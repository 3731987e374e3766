package fishchat.access;

import fishchat.metrics.Metrics;
import fishchat.protocol.ErrorCode;

/** What an access server counts, registered in a {@link Metrics}. */
final class AccessMetrics {
    final Metrics.Counter errors;
    final Metrics.Counter messagesAccepted;
    final Metrics.Counter inboxWrites;
    final Metrics.Counter notifies;
    final Metrics.Counter syncs;
    final Metrics.Counter messagesDelivered;
    final Metrics.Counter logins;

    AccessMetrics(Metrics metrics) {
        errors = metrics.counter("fishchat_replies_error_total", "Replies with a non-zero errCode, by code", "code");
        messagesAccepted = metrics.counter("fishchat_messages_stored_total", "Sends stored and acknowledged (p2p and group)");
        inboxWrites = metrics.counter("fishchat_inbox_writes_total", "Inbox entries written (one per recipient)");
        notifies = metrics.counter("fishchat_notifies_pushed_total", "Notifies (and message pushes) queued to online sessions");
        syncs = metrics.counter("fishchat_syncs_total", "Sync requests answered");
        messagesDelivered = metrics.counter("fishchat_messages_delivered_total", "Messages handed to clients, in sync replies and pushes");
        logins = metrics.counter("fishchat_logins_total", "Login attempts, by result", "result");
    }

    void reply(ErrorCode code) {
        if (code != ErrorCode.OK) {
            errors.inc(Integer.toString(code.code()));
        }
    }
}
