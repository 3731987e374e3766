package fishchat.libnet;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a node holds for requests still arriving, and the most it will hold. A body is
 * read into an array that starts small and doubles as its bytes come, so a header that
 * announces 64 KiB costs what arrived; but a client may send all but the last byte of a large
 * body and wait, and many such connections filled the heap (4 000 held 280 MB until the idle
 * timeout). So what bodies hold past their first step, while incomplete, counts against one
 * node-wide budget; a body that would go over it ends its connection
 * ({@link OverBudgetException}) instead of the process running out of memory.
 */
public final class ArrivingBytes {
    /** The node's: an eighth of the heap the JVM may grow to. */
    public static final ArrivingBytes NODE = new ArrivingBytes(Runtime.getRuntime().maxMemory() / 8);

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    public ArrivingBytes(long limit) {
        this.limit = limit;
    }

    /** A body refused because the node holds its limit in incomplete requests already. */
    public static final class OverBudgetException extends IOException {
        OverBudgetException(long limit) {
            super("incomplete requests hold this node's limit of " + (limit >> 20) + " MiB (an eighth of the heap): "
                    + "this one is refused");
        }
    }

    public long limit() {
        return limit;
    }

    /** Bytes held now by incomplete bodies. */
    public long held() {
        return held.get();
    }

    /**
     * Reads a body of {@code length} bytes: at once when all of it has arrived; else
     * {@code firstStep} bytes (or what is there) first, then doubling as the rest arrives, the
     * part past the first step counting against the budget until the body is complete.
     *
     * @throws java.io.EOFException the stream ended inside the body
     * @throws OverBudgetException the node holds its limit already
     */
    public byte[] read(DataInputStream in, int length, int firstStep) throws IOException {
        int here = length <= firstStep ? length : in.available();
        if (here >= length) {
            // All of it has arrived: nothing is held waiting, so nothing counts (a client that
            // fills the budget cannot refuse other users' messages that come whole).
            byte[] body = new byte[length];
            in.readFully(body);
            return body;
        }
        long counted = 0;
        try {
            int size = Math.min(length, Math.max(firstStep, here));
            counted = countUpTo(size - firstStep, counted);
            byte[] body = new byte[size];
            int done = 0;
            while (true) {
                in.readFully(body, done, body.length - done);
                done = body.length;
                if (done == length) {
                    return body;
                }
                int next = (int) Math.min(length, 2L * done);
                counted = countUpTo(next - firstStep, counted);
                body = Arrays.copyOf(body, next);
            }
        } finally {
            give(counted);
        }
    }

    /** Counts {@code bytes} more against the budget (a part of a message kept for its rest). */
    public void take(long bytes) throws OverBudgetException {
        if (held.addAndGet(bytes) > limit) {
            held.addAndGet(-bytes);
            throw new OverBudgetException(limit);
        }
    }

    /** Gives back what {@link #take} counted. */
    public void give(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Raises what one body counts to {@code total}; returns what it counts then. */
    private long countUpTo(long total, long counted) throws OverBudgetException {
        if (total > counted) {
            take(total - counted);
            return total;
        }
        return counted;
    }
}
