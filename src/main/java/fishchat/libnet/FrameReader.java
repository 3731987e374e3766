package fishchat.libnet;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frames from a blocking stream through a small buffer of its own.
 *
 * <p>Why not {@code DataInputStream(BufferedInputStream(..))}: at 100 000 idle connections
 * every byte held per connection counts. DataInputStream allocates ~250 bytes of scratch
 * arrays and BufferedInputStream a lock and (by default) 8 KiB; this class holds one small
 * array. A small buffer still matters: without one a request costs about one more read
 * syscall (header and body read apart). The read chain is kept shallow on purpose, since a
 * parked virtual thread keeps its stack.
 */
public final class FrameReader {
    private final InputStream in;
    private final byte[] buffer;
    private final int maxBody;
    private int position;
    private int limit;

    public FrameReader(InputStream in, int bufferSize, int maxBody) {
        if (bufferSize < Frames.HEADER_BYTES) {
            throw new IllegalArgumentException("buffer must hold a frame header");
        }
        this.in = in;
        this.buffer = new byte[bufferSize];
        this.maxBody = Math.min(maxBody, Frames.MAX_BODY);
    }

    /**
     * The next frame's body, or {@code null} when the peer closed the stream cleanly between
     * frames.
     *
     * @throws EOFException the stream ended inside a frame
     * @throws FrameTooLargeException the header announced more than {@code maxBody}
     */
    public byte[] read() throws IOException {
        if (!fill(Frames.HEADER_BYTES)) {
            if (limit == position) {
                return null;
            }
            throw new EOFException("stream ended inside a frame header");
        }
        int length = Frames.bodyLength(buffer[position], buffer[position + 1]);
        position += Frames.HEADER_BYTES;
        if (length > maxBody) {
            throw new FrameTooLargeException(length, maxBody);
        }
        byte[] body = new byte[length];
        int buffered = Math.min(limit - position, length);
        System.arraycopy(buffer, position, body, 0, buffered);
        position += buffered;
        int done = buffered;
        while (done < length) {
            // Large bodies go straight from the socket into the body array.
            int n = in.read(body, done, length - done);
            if (n < 0) {
                throw new EOFException("stream ended after " + done + " of " + length + " body bytes");
            }
            done += n;
        }
        return body;
    }

    /** Ensures {@code count} bytes are buffered; false on EOF before that. */
    private boolean fill(int count) throws IOException {
        if (limit - position >= count) {
            return true;
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        while (limit < count) {
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                return false;
            }
            limit += n;
        }
        return true;
    }
}
