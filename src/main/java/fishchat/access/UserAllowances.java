package fishchat.access;

import fishchat.libnet.TokenBucket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much each user may still send on this node: one allowance per uid, drawn on by all of
 * that user's sessions, and kept across reconnects until it has refilled, so neither a second
 * device nor a fresh login buys a user more than its rate. Sends, joins and leaves draw on it.
 *
 * <p>An allowance that is full again (the user has been quiet for a while) remembers nothing
 * and is dropped on a sweep, about once a second: the map holds only users who sent recently.
 */
final class UserAllowances {
    private static final long SWEEP_NANOS = 1_000_000_000L;

    private final AccessOptions options;
    private final Map<Long, Allowance> byUid = new ConcurrentHashMap<>();
    /** System.nanoTime() of the last sweep; {@link Long#MIN_VALUE} before the first request. */
    private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE);

    UserAllowances(AccessOptions options) {
        this.options = options;
    }

    /** What {@link Allowance#allow} says. */
    enum Verdict { OK, LIMITED, CUT }

    /** Whether {@code uid} may send {@code bytes} (0 for a join or leave) at {@code now} (System.nanoTime()). */
    Verdict allow(long uid, int bytes, long now) {
        sweep(now);
        return byUid.computeIfAbsent(uid, u -> new Allowance(options, now)).allow(bytes, now);
    }

    /** Users with an allowance in memory now (for tests and metrics). */
    int tracked() {
        return byUid.size();
    }

    private void sweep(long now) {
        long last = lastSweep.get();
        if (last == Long.MIN_VALUE) {
            lastSweep.compareAndSet(last, now); // the clock's origin: nothing to sweep yet
            return;
        }
        if (now - last < SWEEP_NANOS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        byUid.values().removeIf(allowance -> allowance.forgettable(now));
    }

    /**
     * One user's token buckets (messages and bytes a second, bursts of twice that) and the
     * streak of refusals that, past the grace period, cuts the session that keeps pushing.
     */
    static final class Allowance {
        /** A second without refusals ends a streak of them. */
        private static final long STREAK_GAP_NANOS = 1_000_000_000L;

        private final TokenBucket messages;
        private final TokenBucket bytes;
        private final long graceNanos;
        /** System.nanoTime() of the first and the last refusal of the current streak (0: none yet). */
        private long streakStart;
        private long lastRefusal;

        Allowance(AccessOptions options, long now) {
            this.messages = new TokenBucket(options.messagesPerSecond(), 2.0 * options.messagesPerSecond(), now);
            this.bytes = new TokenBucket(options.bytesPerSecond(), 2.0 * options.bytesPerSecond(), now);
            this.graceNanos = options.overLimitGrace().toNanos();
        }

        /**
         * Whether a send of {@code size} bytes may go ahead now; CUT when the user has kept
         * running into the limit for longer than the grace period. A sender that hammers at full
         * speed gets a send through whenever a token refills, so a streak is ended only by a
         * second without refusals, not by the odd success. Short and lock-guarded: any of the
         * user's sessions may ask at once.
         */
        synchronized Verdict allow(int size, long now) {
            if (messages.tryTake(1, now)) {
                if (bytes.tryTake(size, now)) {
                    return Verdict.OK;
                }
                messages.putBack(1); // a refusal takes nothing
            }
            if (lastRefusal == 0 || now - lastRefusal > STREAK_GAP_NANOS) {
                streakStart = now;
            }
            lastRefusal = now;
            return now - streakStart > graceNanos ? Verdict.CUT : Verdict.LIMITED;
        }

        /** Full again and out of any streak: dropping it changes nothing. */
        synchronized boolean forgettable(long now) {
            return messages.fullAt(now) && bytes.fullAt(now) && (lastRefusal == 0 || now - lastRefusal > STREAK_GAP_NANOS);
        }
    }
}
