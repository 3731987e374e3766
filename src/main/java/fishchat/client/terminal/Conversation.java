package fishchat.client.terminal;

/** Whom a message is with: a user, a group, or the system (sourceUID 0). */
record Conversation(Kind kind, long id) {
    enum Kind { USER, GROUP, SYSTEM }

    static Conversation user(long uid) {
        return new Conversation(Kind.USER, uid);
    }

    static Conversation group(long groupId) {
        return new Conversation(Kind.GROUP, groupId);
    }

    static Conversation system() {
        return new Conversation(Kind.SYSTEM, 0);
    }
}
