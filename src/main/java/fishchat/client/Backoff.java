package fishchat.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before reconnect attempt n: doubling from {@code first} up to {@code max},
 * each wait moved at random by up to ±{@code jitter} of itself, so that the clients of a
 * server that went away do not all come back in the same instant.
 */
public final class Backoff {
    /** 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s, each ±25 %. */
    public static Backoff standard() {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10), 0.25, RandomGenerator.getDefault());
    }

    private final Duration first;
    private final Duration max;
    private final double jitter;
    private final RandomGenerator random;

    public Backoff(Duration first, Duration max, double jitter, RandomGenerator random) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max and 0 <= jitter < 1");
        }
        this.first = first;
        this.max = max;
        this.jitter = jitter;
        this.random = random;
    }

    /** The wait before attempt {@code attempt} (0 for the first). */
    public Duration delay(int attempt) {
        double base = first.toMillis() * Math.pow(2, Math.min(attempt, 30));
        double capped = Math.min(base, max.toMillis());
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.round(capped * factor));
    }
}
