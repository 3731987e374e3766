package fishchat.client;

import java.nio.charset.StandardCharsets;

/**
 * What the user tried when the server said no: the same errCode means different things for
 * different requests (10001 refusing a group send means "not a member"), so an error is put
 * in words together with its attempt.
 *
 * @param uid    the user logged in (or logging in)
 * @param target the user or group written to, joined or left; 0 when there is none
 * @param bytes  the size of the message text in UTF-8; 0 when there is none
 * @param limit  the largest message text the server takes (it says so at login); 0 when unknown
 */
public record Attempt(Kind kind, long uid, long target, int bytes, int limit) {
    public enum Kind { CONNECT, LOGIN, SEND_TO_USER, SEND_TO_GROUP, JOIN, LEAVE }

    public static Attempt connect() {
        return new Attempt(Kind.CONNECT, 0, 0, 0, 0);
    }

    public static Attempt login(long uid) {
        return new Attempt(Kind.LOGIN, uid, 0, 0, 0);
    }

    public static Attempt sendToUser(long uid, long target, String text) {
        return new Attempt(Kind.SEND_TO_USER, uid, target, utf8Length(text), 0);
    }

    public static Attempt sendToGroup(long uid, long group, String text) {
        return new Attempt(Kind.SEND_TO_GROUP, uid, group, utf8Length(text), 0);
    }

    public static Attempt join(long uid, long group) {
        return new Attempt(Kind.JOIN, uid, group, 0, 0);
    }

    public static Attempt leave(long uid, long group) {
        return new Attempt(Kind.LEAVE, uid, group, 0, 0);
    }

    /** The same attempt, knowing the server's message size limit (0: unknown). */
    public Attempt limitedTo(int maxMessageBytes) {
        return new Attempt(kind, uid, target, bytes, maxMessageBytes);
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
