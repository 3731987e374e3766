package fishchat.libnet;

/**
 * A token bucket: {@code rate} tokens a second up to {@code burst}. Not thread-safe by
 * design: each is used by one thread (a session's), or under its owner's lock. A rate of 0
 * allows all.
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    public TokenBucket(double ratePerSecond, double burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes {@code n} tokens if there are that many; false (and nothing taken) otherwise. */
    public boolean tryTake(double n, long nowNanos) {
        if (ratePerNano == 0) {
            return true;
        }
        tokens = Math.min(burst, tokens + (nowNanos - last) * ratePerNano);
        last = nowNanos;
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /** After a refused {@link #tryTake}: nanoseconds until {@code n} tokens will be there. */
    public long nanosUntil(double n) {
        return ratePerNano == 0 || tokens >= n ? 0 : (long) Math.ceil((n - tokens) / ratePerNano);
    }

    /** True when the bucket would be full at {@code nowNanos}: it remembers nothing and can be dropped. */
    public boolean fullAt(long nowNanos) {
        return tokens + (nowNanos - last) * ratePerNano >= burst;
    }

    /** Returns tokens taken for something that did not happen after all. */
    public void putBack(double n) {
        tokens = Math.min(burst, tokens + n);
    }
}
