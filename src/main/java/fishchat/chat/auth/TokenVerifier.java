package fishchat.chat.auth;

import fishchat.protocol.ErrorCode;

/** Decides whether a login token is good for a uid. */
public interface TokenVerifier {
    /** {@link ErrorCode#OK}, or why not: NO_TOKEN, BAD_TOKEN, TOKEN_EXPIRED. */
    ErrorCode verify(long uid, String token);

    /**
     * When a token that {@link #verify} accepted was issued (epoch milliseconds), or 0 when it does
     * not say: a revocation refuses every token issued before it, and one that does not say.
     */
    default long issuedAtMillis(String token) {
        return 0;
    }
}
