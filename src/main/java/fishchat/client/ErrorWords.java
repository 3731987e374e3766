package fishchat.client;

import fishchat.protocol.ErrorCode;

/**
 * The one table from the server's error codes to plain words. The wire keeps
 * FishChatServer2's errStr ("calc token failed"), which is for programs; people are told
 * what happened to what they tried and what they can do about it.
 */
public final class ErrorWords {
    private ErrorWords() {
    }

    /** The server's refusal of {@code attempt}, in words. */
    public static String of(ChatException refusal, Attempt attempt) {
        if (refusal.code() == null) {
            return "the server refused it: " + refusal.getMessage(); // a code newer than this client
        }
        return of(refusal.code(), attempt);
    }

    /** The exhaustive switch is the point: a new ErrorCode does not compile until it has words here. */
    public static String of(ErrorCode code, Attempt attempt) {
        long uid = attempt.uid();
        long target = attempt.target();
        return switch (code) {
            case OK -> "done";
            case REQUEST_ERR -> switch (attempt.kind()) {
                case SEND_TO_GROUP -> "you are not a member of group " + target + " (/join " + target + " first)";
                case SEND_TO_USER -> "the server refused this message to " + target + " as malformed";
                case JOIN, LEAVE -> "group " + target + " is not a valid group id (a positive number)";
                case LOGIN -> "uid " + uid + " is not a valid uid (a positive number)";
                case CONNECT -> "the server did not understand this client's request";
            };
            case SERVER_ERR -> switch (attempt.kind()) {
                case CONNECT -> "the server is full (too many connections)";
                case LOGIN -> "the server cannot take you right now (it is full, or its message store is unavailable)";
                case SEND_TO_USER, SEND_TO_GROUP -> "the server could not store the message just now (its message store is unavailable)";
                case JOIN, LEAVE -> "the server could not change group " + target + " just now (its message store is unavailable)";
            };
            case MESSAGE_TOO_LARGE -> attempt.limit() > 0
                    ? "message too long (" + attempt.bytes() + " bytes; this server takes at most " + attempt.limit() + ")"
                    : "message too long (" + attempt.bytes() + " bytes is over this server's limit)";
            case RATE_LIMITED -> attempt.kind() == Attempt.Kind.CONNECT || attempt.kind() == Attempt.Kind.LOGIN
                    ? "the server refuses new connections from this address for now (too many, too fast)"
                    : "you are sending too fast; slow down";
            case NO_ACCESS_SERVER -> "the gateway has no access server to offer right now";
            case NO_TOKEN -> "the server wants a login token (give --token, or --data DIR on the server's machine)";
            case BAD_TOKEN -> "this token is not valid for uid " + uid;
            case NOT_LOGGED_IN -> "the server no longer counts this session as logged in";
            case TOKEN_EXPIRED -> "this token has expired; ask for a new one (fishchat token --uid " + uid + ")";
            case UID_MISMATCH -> "the server says this request is not from uid " + uid + ", the uid this session logged in as";
            case SESSION_REPLACED -> "you logged in on another device, which replaced this session";
            case TOKEN_REVOKED -> "the tokens of uid " + uid + " were revoked; ask for a new one (fishchat token --uid " + uid + ")";
        };
    }
}
