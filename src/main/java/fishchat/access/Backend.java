package fishchat.access;

import fishchat.chat.Messaging;
import fishchat.chat.SendOutcome;
import fishchat.store.EventOutbox;
import fishchat.store.JoinResult;
import fishchat.store.MessageStore;
import fishchat.store.Presence;

import java.time.Clock;
import java.util.Collection;
import java.util.List;

/**
 * What the app's own backend may do through this node (the server API, {@code fishchat.api}):
 * the same paths as a client's requests, without a session and without a client's limits. A send
 * goes through the same rules and the same durable path as a client's (size, msgID dedup, the
 * recipients' sessions notified here and, through the store, on every node); the sender may be
 * the system (0). Every call may throw {@link fishchat.store.StoreUnavailableException}.
 */
public final class Backend {
    private final Messaging messaging;
    private final Announcements announcements;
    private final Revoker revoker;
    private final MessageStore store;
    private final AccessOptions options;
    private final String nodeId;
    private final Clock clock;

    Backend(Messaging messaging, Announcements announcements, Revoker revoker, MessageStore store, AccessOptions options,
            String nodeId, Clock clock) {
        this.messaging = messaging;
        this.announcements = announcements;
        this.revoker = revoker;
        this.store = store;
        this.options = options;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    /** A one-to-one message from {@code from} (0: the system) to {@code to}, stored and announced as a client's send. */
    public SendOutcome sendToUser(long from, long to, String msgId, String text) {
        SendOutcome outcome = messaging.sendP2P(from, to, msgId, text);
        announcements.announce(outcome);
        return outcome;
    }

    /** A group message from {@code from} (a member, or 0: the system, which needs no membership). */
    public SendOutcome sendToGroup(long from, long groupId, String msgId, String text) {
        SendOutcome outcome = messaging.sendGroup(from, groupId, msgId, text);
        announcements.announce(outcome);
        return outcome;
    }

    /** Revokes every token of {@code uid} issued before now, on every node; returns the revocation time in force. */
    public long revoke(long uid) {
        return revoker.revoke(uid);
    }

    /** Since when {@code uid}'s tokens are revoked (epoch ms), 0 when never. */
    public long revokedAt(long uid) {
        return store.loginState(uid).revokedAtMillis();
    }

    /** Adds a member (the node's --max-groups-per-user applies). */
    public JoinResult addMember(long groupId, long uid) {
        return messaging.join(groupId, uid, options.maxGroupsPerUser());
    }

    /** Removes a member; false when it was not one. */
    public boolean removeMember(long groupId, long uid) {
        return store.leave(groupId, uid);
    }

    public List<Long> members(long groupId, long afterUid, int limit) {
        return store.members(groupId, afterUid, limit);
    }

    /** The users' presence across every node sharing the store, in the order asked. */
    public List<Presence> presence(Collection<Long> uids) {
        return store.presence().read(uids);
    }

    /** The webhook outbox of the store this node writes to. */
    public EventOutbox outbox() {
        return store.outbox();
    }

    /** The largest message text this node takes (UTF-8 bytes). */
    public int maxMessageBytes() {
        return options.maxMessageBytes();
    }

    public int maxGroupsPerUser() {
        return options.maxGroupsPerUser();
    }

    /** This node's id in the store while it runs (presence rows, webhook delivery leases). */
    public String nodeId() {
        return nodeId;
    }

    public Clock clock() {
        return clock;
    }
}
