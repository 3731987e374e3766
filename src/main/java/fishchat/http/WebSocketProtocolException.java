package fishchat.http;

import java.io.IOException;

/** The peer broke RFC 6455: answered with a Close frame carrying {@link #closeCode()}, then the connection ends. */
public final class WebSocketProtocolException extends IOException {
    private final int closeCode;
    private final String reason;

    public WebSocketProtocolException(int closeCode, String reason) {
        super("WebSocket protocol error (" + closeCode + "): " + reason);
        this.closeCode = closeCode;
        this.reason = reason;
    }

    /** What the Close frame says. */
    public String reason() {
        return reason;
    }

    public int closeCode() {
        return closeCode;
    }
}
