package fishchat.libnet;

import java.io.IOException;

/** A frame header announced a body longer than this server accepts. The body is not read. */
public final class FrameTooLargeException extends IOException {
    private final int length;
    private final int limit;

    public FrameTooLargeException(int length, int limit) {
        super("frame of " + length + " bytes exceeds the limit of " + limit);
        this.length = length;
        this.limit = limit;
    }

    public int length() {
        return length;
    }

    public int limit() {
        return limit;
    }
}
