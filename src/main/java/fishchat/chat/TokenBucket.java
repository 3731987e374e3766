package fishchat.chat;

/**
 * A token bucket: {@code rate} tokens a second up to {@code burst}. One per session and
 * used by that session's thread only, so not thread-safe by design. A rate of 0 allows all.
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
}
