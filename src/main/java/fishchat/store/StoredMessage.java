package fishchat.store;

/** One entry of a user's inbox. */
public record StoredMessage(long seq, long sourceUid, long targetUid, long groupId, String type,
                            String msgId, String body, long sentAtMillis) {
}
