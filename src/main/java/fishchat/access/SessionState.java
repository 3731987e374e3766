package fishchat.access;

import fishchat.libnet.TokenBucket;

/**
 * What an access session knows once logged in: its uid and its send allowance. Used by one
 * request at a time (on the session thread, or on the work thread it waits for).
 */
final class SessionState {
    final long uid;
    /** Set (from another session's thread) when a newer login of the same user replaced this one. */
    volatile boolean replaced;
    private final TokenBucket messages;
    private final TokenBucket bytes;
    private final long graceNanos;
    /** A second without refusals ends a streak of them. */
    private static final long STREAK_GAP_NANOS = 1_000_000_000L;
    /** System.nanoTime() of the first and the last refusal of the current streak (0: none yet). */
    private long streakStart;
    private long lastRefusal;

    SessionState(long uid, AccessOptions options, long now) {
        this.uid = uid;
        this.messages = new TokenBucket(options.messagesPerSecond(), 2.0 * options.messagesPerSecond(), now);
        this.bytes = new TokenBucket(options.bytesPerSecond(), 2.0 * options.bytesPerSecond(), now);
        this.graceNanos = options.overLimitGrace().toNanos();
    }

    enum Allowance { OK, LIMITED, CUT }

    /**
     * Whether a send of {@code size} bytes may go ahead now; CUT when the session has kept
     * running into the limit for longer than the grace period. A sender that hammers at full
     * speed gets a send through whenever a token refills, so a streak is ended only by a
     * second without refusals, not by the odd success.
     */
    Allowance allow(int size, long now) {
        if (messages.tryTake(1, now)) {
            if (bytes.tryTake(size, now)) {
                return Allowance.OK;
            }
            messages.tryTake(-1, now); // a refusal takes nothing: give the message token back
        }
        if (lastRefusal == 0 || now - lastRefusal > STREAK_GAP_NANOS) {
            streakStart = now;
        }
        lastRefusal = now;
        return now - streakStart > graceNanos ? Allowance.CUT : Allowance.LIMITED;
    }
}
