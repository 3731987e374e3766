package fishchat.access;

import fishchat.chat.SendOutcome;

/** After a send is answered (a client's or the server API's): counted, and the recipients' sessions here told. */
final class Announcements {
    private final OnlineUsers online;
    private final AccessMetrics metrics;

    Announcements(OnlineUsers online, AccessMetrics metrics) {
        this.online = online;
        this.metrics = metrics;
    }

    void announce(SendOutcome outcome) {
        if (!outcome.deliveries().isEmpty()) {
            metrics.messagesAccepted.inc();
            metrics.inboxWrites.add(outcome.deliveries().size());
            online.notify(outcome.deliveries(), outcome.message());
        }
    }
}
