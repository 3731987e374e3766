package fishchat.chat;

import com.google.protobuf.CodedOutputStream;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.protocol.external.offsetMsg;
import fishchat.store.AppendResult;
import fishchat.store.Delivery;
import fishchat.store.JoinResult;
import fishchat.store.LoginState;
import fishchat.store.MessageStore;
import fishchat.store.NewMessage;
import fishchat.store.StoredMessage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * The chat rules on top of the store: who may send what, how big, and how a sync reply is
 * cut into frames. The caller has already authenticated {@code uid}. Store failures are
 * thrown as {@link fishchat.store.StoreUnavailableException}: nothing was acknowledged.
 */
public final class Messaging {
    /** A sync reply must fit one frame (65 535 bytes); this leaves room for its own fields. */
    static final int SYNC_REPLY_BUDGET = 65_535 - 64;
    private static final int SYNC_ROWS_PER_PAGE = 256;
    /** The longest idempotency key (UTF-8 bytes): it is stored and synced with every copy. */
    public static final int MAX_MSG_ID_BYTES = 128;
    /** The largest message text: with the longest msgID and the other fields, one entry always fits a sync reply. */
    public static final int MAX_MESSAGE_LIMIT = 60_000;

    /** What the newest entries of users' inboxes may take in memory, in all. */
    static final long RECENT_ENTRIES_BYTES = 32L << 20;

    private final MessageStore store;
    private final int maxMessageBytes;
    private final Clock clock;
    private final RecentInboxes recent;

    /**
     * @param maxMessageBytes the largest message text in UTF-8 bytes, at most
     *                        {@link #MAX_MESSAGE_LIMIT} so that any stored message fits a sync reply
     */
    public Messaging(MessageStore store, int maxMessageBytes, Clock clock) {
        if (maxMessageBytes < 1 || maxMessageBytes > MAX_MESSAGE_LIMIT) {
            throw new IllegalArgumentException("the message size limit must be within 1.." + MAX_MESSAGE_LIMIT + " bytes");
        }
        this.store = store;
        this.maxMessageBytes = maxMessageBytes;
        this.clock = clock;
        this.recent = new RecentInboxes(RECENT_ENTRIES_BYTES, clock::millis);
    }

    public SendOutcome sendP2P(long sender, long target, String msgId, String text) {
        if (target <= 0) {
            return SendOutcome.rejected(ErrorCode.REQUEST_ERR);
        }
        return send(new NewMessage(sender, target, 0, msgId, text, clock.millis()));
    }

    public SendOutcome sendGroup(long sender, long groupId, String msgId, String text) {
        if (groupId <= 0) {
            return SendOutcome.rejected(ErrorCode.REQUEST_ERR);
        }
        return send(new NewMessage(sender, 0, groupId, msgId, text, clock.millis()));
    }

    private SendOutcome send(NewMessage message) {
        if (utf8Longer(message.body(), maxMessageBytes)) {
            return SendOutcome.rejected(ErrorCode.MESSAGE_TOO_LARGE);
        }
        if (utf8Longer(message.msgId(), MAX_MSG_ID_BYTES)) {
            return SendOutcome.rejected(ErrorCode.REQUEST_ERR);
        }
        // PostgreSQL text cannot hold U+0000: refuse it on every store alike, as a request
        // error the client will not retry, rather than a server error it would.
        if (message.body().indexOf('\0') >= 0 || message.msgId().indexOf('\0') >= 0) {
            return SendOutcome.rejected(ErrorCode.REQUEST_ERR);
        }
        AppendResult result = store.append(message);
        if (result.status() == AppendResult.Status.STORED) {
            for (Delivery delivery : result.deliveries()) {
                recent.stored(delivery.uid(), StoredMessage.of(message, delivery));
            }
        }
        return switch (result.status()) {
            case STORED -> new SendOutcome(ErrorCode.OK, result.deliveries(), message);
            // Stored before: answered as the first send was, announced no second time.
            case DUPLICATE -> SendOutcome.rejected(ErrorCode.OK);
            case NOT_A_MEMBER -> SendOutcome.rejected(ErrorCode.REQUEST_ERR);
        };
    }

    /** Whether text takes more than {@code limit} bytes in UTF-8 (encoding only when it might). */
    private static boolean utf8Longer(String text, int limit) {
        // A char takes at most 3 bytes (a surrogate pair 4 for 2 chars).
        return text.length() > limit / 3 && text.getBytes(StandardCharsets.UTF_8).length > limit;
    }

    /** The user's newest seq (0 when the inbox is empty). */
    public long latestSeq(long uid) {
        return store.lastSeq(uid);
    }

    /** The newest seq and the revocation time of a user's tokens: what a login checks. */
    public LoginState loginState(long uid) {
        return store.loginState(uid);
    }

    /** Whether a sync of {@code uid} from {@code currentId} is answered from memory, with no store read. */
    public boolean syncsFromMemory(long uid, long currentId) {
        return recent.covers(uid, Math.max(0, currentId));
    }

    /**
     * Entries other nodes stored (heard of through the shared store's feed): the newest of these
     * users' inboxes are not all held in memory any more.
     */
    public void heard(List<Delivery> deliveries) {
        for (Delivery delivery : deliveries) {
            recent.heard(delivery.uid(), delivery.seq());
        }
    }

    /** As {@link #sync(long, long, boolean)} for a client that wants its own copies. */
    public ResSyncMsg sync(long uid, long currentId) {
        return sync(uid, currentId, true);
    }

    /**
     * Messages after {@code currentId}, oldest first, as many as fit one frame. The reply's
     * currentID is the seq of its last message (the request's when nothing is newer), and
     * {@code more} says that the client should sync again from there. Without {@code ownCopies}
     * the user's own copies of what it sent one-to-one are left out (FishChatServer2's clients
     * never asked for them), and currentID moves past them all the same.
     */
    public ResSyncMsg sync(long uid, long currentId, boolean ownCopies) {
        long after = Math.max(0, currentId);
        List<StoredMessage> rows = recent.after(uid, after, SYNC_ROWS_PER_PAGE);
        if (rows == null) {
            rows = store.readInbox(uid, after, SYNC_ROWS_PER_PAGE);
        }
        ResSyncMsg.Builder reply = ResSyncMsg.newBuilder()
                .setCmd(Cmd.SYNC_MSG.code())
                .setErrCode(ErrorCode.OK.code())
                .setErrStr(ErrorCode.OK.text());
        long last = after;
        int size = 0;
        boolean cut = false;
        for (StoredMessage row : rows) {
            if (!ownCopies && isOwnCopy(uid, row)) {
                last = row.seq();
                continue;
            }
            offsetMsg msg = toWire(row);
            int entrySize = CodedOutputStream.computeMessageSize(ResSyncMsg.MSGS_FIELD_NUMBER, msg);
            if (size + entrySize > SYNC_REPLY_BUDGET) {
                cut = true;
                break;
            }
            size += entrySize;
            reply.addMsgs(msg);
            last = row.seq();
        }
        return reply.setCurrentID(last)
                .setMore(cut || rows.size() == SYNC_ROWS_PER_PAGE)
                .build();
    }

    /** Adds {@code uid} to the group unless it is a member of {@code maxGroups} groups already. */
    public JoinResult join(long groupId, long uid, int maxGroups) {
        return store.join(groupId, uid, maxGroups);
    }

    public void leave(long groupId, long uid) {
        store.leave(groupId, uid);
    }

    /** An entry of {@code uid}'s inbox that is the copy of a one-to-one message it sent to someone else. */
    static boolean isOwnCopy(long uid, StoredMessage row) {
        return row.groupId() == 0 && row.sourceUid() == uid && row.targetUid() != uid;
    }

    /** An inbox entry as the wire carries it (a sync reply, a push). */
    public static offsetMsg toWire(StoredMessage row) {
        return offsetMsg.newBuilder()
                .setSourceUID(row.sourceUid())
                .setTargetUID(row.targetUid())
                .setGroupID(row.groupId())
                .setMsgType(row.type())
                .setMsgID(row.msgId())
                .setMsg(row.body())
                .setSeq(row.seq())
                .setSentAtMillis(row.sentAtMillis())
                .build();
    }
}
