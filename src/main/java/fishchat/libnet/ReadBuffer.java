package fishchat.libnet;

import java.io.IOException;
import java.io.InputStream;

/**
 * A small read buffer in front of a socket's stream, for one reader thread: no lock (unlike
 * {@link java.io.BufferedInputStream}) and a buffer of the caller's size, since every idle
 * connection holds one. Small is enough: without any buffer a request costs about one more
 * read syscall (header and body read apart); a few hundred bytes take a typical request in one.
 * Reads at least as large as the buffer go straight to the stream.
 */
public final class ReadBuffer extends InputStream {
    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;

    public ReadBuffer(InputStream in, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a read buffer needs room for a byte");
        }
        this.in = in;
        this.buffer = new byte[size];
    }

    /**
     * Waits until at least one byte can be read without blocking, and says whether one can:
     * false at the end of the stream. Where an idle connection parks, so it is one call deep.
     */
    public boolean awaitByte() throws IOException {
        if (position < limit) {
            return true;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!awaitByte()) {
            return -1;
        }
        return buffer[position++] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int buffered = limit - position;
        if (buffered == 0) {
            if (length >= buffer.length) {
                return in.read(into, offset, length);
            }
            if (!awaitByte()) {
                return -1;
            }
            buffered = limit - position;
        }
        int n = Math.min(buffered, length);
        System.arraycopy(buffer, position, into, offset, n);
        position += n;
        return n;
    }

    /** Bytes buffered here, without asking the stream. */
    public int buffered() {
        return limit - position;
    }

    @Override
    public int available() throws IOException {
        return buffered() + in.available();
    }

    @Override
    public long skip(long n) throws IOException {
        long buffered = Math.min(n, limit - position);
        position += (int) buffered;
        return buffered == n ? n : buffered + in.skip(n - buffered);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
