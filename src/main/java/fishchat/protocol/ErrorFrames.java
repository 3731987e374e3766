package fishchat.protocol;

import fishchat.libnet.Frames;
import fishchat.libnet.Refusal;
import fishchat.protocol.external.Error;

/**
 * The {@code Error{cmd=90001}} frames every server sends, encoded once: they answer bodies that
 * do not parse, unknown commands and connections refused for capacity (DESIGN §2).
 */
public final class ErrorFrames {
    /** A body that is not protobuf. */
    public static final byte[] MALFORMED = frame(ErrorCode.SERVER_ERR);
    /** A command this server does not serve. */
    public static final byte[] UNKNOWN_CMD = frame(ErrorCode.REQUEST_ERR);
    /** Over the connection cap. */
    public static final byte[] OVER_CAPACITY = frame(ErrorCode.SERVER_ERR);
    /** Over the cap of connections from one address. */
    public static final byte[] BUSY = frame(ErrorCode.RATE_LIMITED);
    /** A frame over the configured size, sent just before the connection is closed. */
    public static final byte[] OVERSIZE = frame(ErrorCode.MESSAGE_TOO_LARGE);

    /**
     * How servers answer a connection refused at admission: 90001 when the server is full,
     * 90005 when one address holds too many or anyone opens too fast; a rate refusal says
     * when to come back ({@code retryAfterMs}), so well-behaved clients spread their retries.
     */
    public static final Refusal.Answers REFUSALS = (why, retryAfterMillis) -> switch (why) {
        case OVER_CAPACITY -> OVER_CAPACITY;
        case ADDRESS_CAP -> BUSY;
        case ADDRESS_RATE, SERVER_RATE -> Frames.encode(Error.newBuilder()
                .setCmd(Cmd.ERROR.code())
                .setErrCode(ErrorCode.RATE_LIMITED.code())
                .setErrStr(why == Refusal.ADDRESS_RATE ? "rate limited: too many new connections from this address"
                        : "rate limited: too many new connections")
                .setRetryAfterMs((int) Math.min(Integer.MAX_VALUE, retryAfterMillis))
                .build()
                .toByteArray());
    };

    private ErrorFrames() {
    }

    public static byte[] body(ErrorCode code) {
        return Error.newBuilder()
                .setCmd(Cmd.ERROR.code())
                .setErrCode(code.code())
                .setErrStr(code.text())
                .build()
                .toByteArray();
    }

    public static byte[] frame(ErrorCode code) {
        return Frames.encode(body(code));
    }
}
