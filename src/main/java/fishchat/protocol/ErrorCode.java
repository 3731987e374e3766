package fishchat.protocol;

/** The errCode values of the wire protocol and their texts (errStr). */
public enum ErrorCode {
    OK(0, "ok"),
    REQUEST_ERR(10001, "request err"),
    SERVER_ERR(90001, "server error"),
    MESSAGE_TOO_LARGE(90004, "message too large"),
    RATE_LIMITED(90005, "rate limited"),
    NO_ACCESS_SERVER(92001, "no accessServer"),
    NO_TOKEN(93001, "no token"),
    BAD_TOKEN(93002, "calc token failed"),
    NOT_LOGGED_IN(93003, "not logged in"),
    TOKEN_EXPIRED(93004, "token expired"),
    UID_MISMATCH(93005, "uid does not match the session"),
    SESSION_REPLACED(93006, "logged in on too many devices: this session was replaced"),
    /**
     * A bad token of a kind FishChatServer2's clients already know (93002), with its own words:
     * the server API revoked every token of the user issued before some moment, this one among them.
     */
    TOKEN_REVOKED(93002, "token revoked");

    private final int code;
    private final String text;

    ErrorCode(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }

    private static final ErrorCode[] ALL = values();

    /** The first code with this number (for 93002: {@link #BAD_TOKEN}), or null. */
    public static ErrorCode of(int code) {
        for (ErrorCode e : ALL) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }

    /** The code with this number and text when there is one ({@link #TOKEN_REVOKED}), else {@link #of(int)}. */
    public static ErrorCode of(int code, String text) {
        for (ErrorCode e : ALL) {
            if (e.code == code && e.text.equals(text)) {
                return e;
            }
        }
        return of(code);
    }
}
