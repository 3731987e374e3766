package fishchat.client;

import fishchat.protocol.ErrorCode;

import java.io.IOException;

/** The server answered a request with an error code. */
public final class ChatException extends IOException {
    private final ErrorCode code;

    public ChatException(ErrorCode code, String detail) {
        super((code == null ? "unknown error" : code.code() + " " + code.text())
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
