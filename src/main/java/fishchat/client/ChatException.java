package fishchat.client;

import fishchat.protocol.ErrorCode;

import java.io.IOException;

/** The server answered a request with an error code. */
public final class ChatException extends IOException {
    private final ErrorCode code;
    private final java.time.Duration retryAfter;

    public ChatException(ErrorCode code, String detail) {
        this(code, detail, java.time.Duration.ZERO);
    }

    /** @param retryAfter when the server said a retry can succeed (a refused connection); zero when it did not say */
    public ChatException(ErrorCode code, String detail, java.time.Duration retryAfter) {
        super((code == null ? "unknown error" : code.code() + " " + code.text())
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")")
                + (retryAfter.isZero() ? "" : " (retry after " + retryAfter.toMillis() + " ms)"));
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public ErrorCode code() {
        return code;
    }

    /** When to try again, as the server hinted (zero: no hint). */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }
}
