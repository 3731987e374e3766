package fishchat.store;

/**
 * One event waiting in the outbox for one webhook receiver. {@code id} grows with every event
 * written; for one uid, events are written in the order they happened.
 *
 * @param type    {@link #MESSAGE_STORED}, {@link #USER_ONLINE} or {@link #USER_OFFLINE}
 * @param uid     the recipient (message.stored) or the user (user.*)
 * @param seq     message.stored: the message's seq in the recipient's inbox; else 0
 * @param fromUid message.stored: the sender (0: the system); else 0
 * @param groupId message.stored: the group, or 0 for a one-to-one message; else 0
 * @param devices sessions of {@code uid} logged in anywhere when it happened (after the change, for user.*)
 * @param atMillis when it happened (message.stored: when the message was sent)
 */
public record OutboxEvent(long id, String type, long uid, long seq, long fromUid, long groupId, int devices,
                          long atMillis) {
    public static final String MESSAGE_STORED = "message.stored";
    public static final String USER_ONLINE = "user.online";
    public static final String USER_OFFLINE = "user.offline";

    /** Whether the user had a session anywhere when it happened. */
    public boolean online() {
        return devices > 0;
    }
}
