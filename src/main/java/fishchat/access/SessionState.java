package fishchat.access;

/**
 * What an access session knows once logged in: its uid, when its token was issued (a revocation
 * ends the sessions of tokens issued before it), whether it asked for its user's own copies, the
 * users whose presence it watches, and whether it was ended (replaced by a newer login, or its
 * token revoked) while its connection still closes. (What the user may still send is the
 * user's, not the session's: {@link UserAllowances}.)
 */
final class SessionState {
    final long uid;
    /** When the token this session logged in with was issued (epoch ms; 0: it does not say). */
    final long tokenIssuedAt;
    /** The client asked for own copies at login (ReqLogin.ownCopies). */
    final boolean ownCopies;
    /** The client asked for new messages pushed as they come (ReqLogin.pushMessages), not notifies. */
    final boolean pushMessages;
    /** Set (from another thread) when a newer login replaced this one or its token was revoked. */
    volatile boolean ended;
    /** The uids whose presence this session watches (cmd 20012), replaced as a whole. */
    volatile long[] watching = new long[0];

    SessionState(long uid, long tokenIssuedAt, boolean ownCopies, boolean pushMessages) {
        this.uid = uid;
        this.tokenIssuedAt = tokenIssuedAt;
        this.ownCopies = ownCopies;
        this.pushMessages = pushMessages;
    }
}
