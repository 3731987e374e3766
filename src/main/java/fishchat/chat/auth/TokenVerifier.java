package fishchat.chat.auth;

import fishchat.protocol.ErrorCode;

/** Decides whether a login token is good for a uid. */
public interface TokenVerifier {
    /** {@link ErrorCode#OK}, or why not: NO_TOKEN, BAD_TOKEN, TOKEN_EXPIRED. */
    ErrorCode verify(long uid, String token);
}
