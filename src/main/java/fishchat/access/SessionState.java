package fishchat.access;

/**
 * What an access session knows once logged in: its uid, and whether a newer login of the same
 * user replaced it. (What the user may still send is the user's, not the session's:
 * {@link UserAllowances}.)
 */
final class SessionState {
    final long uid;
    /** Set (from another session's thread) when a newer login of the same user replaced this one. */
    volatile boolean replaced;

    SessionState(long uid) {
        this.uid = uid;
    }
}
