package fishchat.store;

/** What a join did. */
public enum JoinResult {
    JOINED,
    /** A member already: nothing changed. */
    ALREADY_MEMBER,
    /** The user is a member of as many groups as it may be: nothing changed. */
    TOO_MANY_GROUPS
}
