package fishchat.store;

/** One entry of a user's inbox. */
public record StoredMessage(long seq, long sourceUid, long targetUid, long groupId, String type,
                            String msgId, String body, long sentAtMillis) {
    /**
     * The entry {@code message} made in the inbox of {@code delivery}, as the store holds it: its
     * target is the inbox's owner for a group message, the recipient otherwise (an own copy too).
     */
    public static StoredMessage of(NewMessage message, Delivery delivery) {
        return new StoredMessage(delivery.seq(), message.sourceUid(),
                message.isGroup() ? delivery.uid() : message.targetUid(), message.groupId(), message.type(),
                message.msgId(), message.body(), message.sentAtMillis());
    }
}
