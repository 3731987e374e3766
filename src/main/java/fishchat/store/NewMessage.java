package fishchat.store;

/**
 * A message to store. {@code groupId != 0} makes it a group message for every member of the
 * group; otherwise it goes to {@code targetUid}. An empty {@code msgId} is no idempotency key.
 * {@code sourceUid} 0 is the system (the server API's notices).
 */
public record NewMessage(long sourceUid, long targetUid, long groupId, String msgId, String body, long sentAtMillis) {
    public static final String TYPE_P2P = "p2p";
    public static final String TYPE_GROUP = "group";

    public NewMessage {
        if (msgId == null) {
            msgId = "";
        }
        if (body == null) {
            body = "";
        }
    }

    public boolean isGroup() {
        return groupId != 0;
    }

    /**
     * Whether the sender keeps an own copy in its inbox: a one-to-one message from a user (not the
     * system) to someone else, so that the sender's other devices see the conversation.
     */
    public boolean hasOwnCopy() {
        return !isGroup() && sourceUid != 0 && sourceUid != targetUid;
    }

    public String type() {
        return isGroup() ? TYPE_GROUP : TYPE_P2P;
    }
}
