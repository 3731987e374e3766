package fishchat.http;

import java.io.IOException;

/** A request the server will not serve as sent: answered with {@link #status()} and the connection closed. */
public final class HttpException extends IOException {
    private final int status;

    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
