package fishchat.libnet;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a node holds for requests still arriving, and the most it will hold. A body is
 * read into an array that starts small and doubles as its bytes come, so a header that
 * announces 64 KiB costs what arrived; but a client may send all but the last byte of a large
 * body and wait, and many such connections filled the heap (4 000 held 280 MB until the idle
 * timeout). So what bodies hold past their first step, while incomplete, counts against one
 * node-wide budget; a body that would go over it ends its connection
 * ({@link OverBudgetException}) instead of the process running out of memory.
 *
 * <p>One source address (an IPv6 /64, as {@link Admission} counts them) may hold only a share
 * of the budget: an attacker with thousands of sockets from one address would otherwise fill it,
 * and every other client's body arriving in parts (a phone's large message on a slow link)
 * would be refused until the attacker let go. Each connection reads through the {@link Share}
 * of its source address.
 */
public final class ArrivingBytes {
    /** The node's: see {@link #ofHeap}. */
    public static final ArrivingBytes NODE = ofHeap(Runtime.getRuntime().maxMemory());
    /** The least one address may hold: a whole request of the largest kind (an API body of several messages). */
    private static final long MIN_SHARE = 1 << 20;

    private final long limit;
    private final long limitPerSource;
    private final AtomicLong held = new AtomicLong();
    /** Bytes held per source address; an address holding nothing has no entry. */
    private final ConcurrentHashMap<InetAddress, Long> heldBySource = new ConcurrentHashMap<>();

    /** {@code limitPerSource}: what one source address may hold of {@code limit}. */
    public ArrivingBytes(long limit, long limitPerSource) {
        this.limit = limit;
        this.limitPerSource = limitPerSource;
    }

    /**
     * An eighth of {@code maxHeap}, and a sixteenth of that per source address but at least
     * 1 MiB, so that on a small heap a large request arriving in parts can still be read.
     */
    static ArrivingBytes ofHeap(long maxHeap) {
        long limit = maxHeap / 8;
        return new ArrivingBytes(limit, Math.min(limit, Math.max(limit / 16, MIN_SHARE)));
    }

    /** A body refused because the node, or the body's source address, holds its limit in incomplete requests already. */
    public static final class OverBudgetException extends IOException {
        OverBudgetException(String message) {
            super(message);
        }
    }

    public long limit() {
        return limit;
    }

    /** The most one source address may hold. */
    public long limitPerSource() {
        return limitPerSource;
    }

    /** Bytes held now by incomplete bodies. */
    public long held() {
        return held.get();
    }

    /** How many source addresses hold bytes now. */
    public int sourcesHolding() {
        return heldBySource.size();
    }

    /** What a connection from {@code source} reads through; null: the node's budget alone (a client reading its server). */
    public Share shareOf(InetAddress source) {
        return new Share(source);
    }

    /** The budget as one connection sees it: the node's, and its source address's share of it. */
    public final class Share {
        /** The peer's address as the socket has it (nothing new is held per connection) or null. */
        private final InetAddress peer;
        /** What the share is counted by ({@link Admission#counted}: an IPv6 /64); worked out at the first take. */
        private InetAddress source;

        private Share(InetAddress peer) {
            this.peer = peer;
        }

        /**
         * Reads a body of {@code length} bytes: at once when all of it has arrived; else
         * {@code firstStep} bytes (or what is there) first, then doubling as the rest arrives,
         * the part past the first step counting against the budget until the body is complete.
         *
         * @throws java.io.EOFException the stream ended inside the body
         * @throws OverBudgetException the node, or this source address, holds its limit already
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

        /** Counts {@code bytes} more against the node's budget and this address's share (a part of a message kept for its rest). */
        public void take(long bytes) throws OverBudgetException {
            // The address's share first: an address at its share must not raise the node's count
            // even for a moment, or another address's body counted then could be refused.
            if (peer != null) {
                if (source == null) {
                    source = Admission.counted(peer);
                }
                if (!takeFromShare(bytes)) {
                    throw new OverBudgetException("incomplete requests from " + Admission.describe(source)
                            + " hold its share of " + kib(limitPerSource) + " of the node's " + kib(limit)
                            + ": this one is refused");
                }
            }
            if (held.addAndGet(bytes) > limit) {
                held.addAndGet(-bytes);
                giveToShare(bytes);
                throw new OverBudgetException("incomplete requests hold this node's limit of " + kib(limit)
                        + " (an eighth of the heap): this one is refused");
            }
        }

        /** Gives back what {@link #take} counted. */
        public void give(long bytes) {
            if (bytes == 0) {
                return;
            }
            held.addAndGet(-bytes);
            giveToShare(bytes);
        }

        private void giveToShare(long bytes) {
            if (source != null) {
                heldBySource.computeIfPresent(source, (address, was) -> was == bytes ? null : was - bytes);
            }
        }

        private boolean takeFromShare(long bytes) {
            boolean[] taken = {false};
            heldBySource.compute(source, (address, was) -> {
                long now = (was == null ? 0 : was) + bytes;
                if (now > limitPerSource) {
                    return was;
                }
                taken[0] = true;
                return now;
            });
            return taken[0];
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

    private static String kib(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
