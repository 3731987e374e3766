package fishchat.store;

/**
 * A message to store. {@code groupId != 0} makes it a group message for every member of the
 * group; otherwise it goes to {@code targetUid}. An empty {@code msgId} is no idempotency key.
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

    public String type() {
        return isGroup() ? TYPE_GROUP : TYPE_P2P;
    }
}
