package fishchat.protocol;

import fishchat.protocol.external.Error;

/**
 * The {@code Error{cmd=90001}} bodies every server sends, made once: they answer bodies that do
 * not parse, unknown commands and connections refused at admission (docs/PROTOCOL.md). The
 * servers frame them; this package knows bodies only.
 */
public final class ErrorBodies {
    /** A body that is not protobuf. */
    public static final byte[] MALFORMED = body(ErrorCode.SERVER_ERR);
    /** A command this server does not serve. */
    public static final byte[] UNKNOWN_CMD = body(ErrorCode.REQUEST_ERR);
    /** Refused: the server holds as many connections as it may. */
    public static final byte[] OVER_CAPACITY = body(ErrorCode.SERVER_ERR);
    /** Refused: the client's address holds as many connections as it may. */
    public static final byte[] BUSY = body(ErrorCode.RATE_LIMITED);
    /** A frame over the configured size, sent just before the connection is closed. */
    public static final byte[] OVERSIZE = body(ErrorCode.MESSAGE_TOO_LARGE);

    private ErrorBodies() {
    }

    public static byte[] body(ErrorCode code) {
        return Error.newBuilder()
                .setCmd(Cmd.ERROR.code())
                .setErrCode(code.code())
                .setErrStr(code.text())
                .build()
                .toByteArray();
    }

    /** Refused: this address opens connections too fast; come back in {@code retryAfterMillis}. */
    public static byte[] addressRateLimited(long retryAfterMillis) {
        return rateLimited("rate limited: too many new connections from this address", retryAfterMillis);
    }

    /** Refused: everyone together opens connections too fast; come back in {@code retryAfterMillis}. */
    public static byte[] serverRateLimited(long retryAfterMillis) {
        return rateLimited("rate limited: too many new connections", retryAfterMillis);
    }

    private static byte[] rateLimited(String why, long retryAfterMillis) {
        return Error.newBuilder()
                .setCmd(Cmd.ERROR.code())
                .setErrCode(ErrorCode.RATE_LIMITED.code())
                .setErrStr(why)
                .setRetryAfterMs((int) Math.min(Integer.MAX_VALUE, retryAfterMillis))
                .build()
                .toByteArray();
    }
}
