package fishchat.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Log-linear latency histogram in microseconds, safe for many recording threads: exact
 * below 2 048 µs, then 1 024 buckets per power of two (under 0.1 % error).
 */
public final class LatencyHistogram {
    private static final int LINEAR = 2048;
    private static final int SUB_BUCKETS = 1024;
    private static final int MAX_EXPONENT = 40;
    private final AtomicLongArray counts = new AtomicLongArray(LINEAR + (MAX_EXPONENT - 10) * SUB_BUCKETS);
    private final LongAdder total = new LongAdder();

    public void recordNanos(long nanos) {
        recordMicros(Math.max(0, nanos / 1000));
    }

    public void recordMicros(long micros) {
        counts.incrementAndGet(index(micros));
        total.increment();
    }

    public long count() {
        return total.sum();
    }

    /** The latency at quantile q (0..1) in microseconds; 0 when nothing was recorded. */
    public long percentileMicros(double q) {
        long n = count();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return lowerBound(i);
            }
        }
        return lowerBound(counts.length() - 1);
    }

    static int index(long micros) {
        if (micros < LINEAR) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros); // micros in [2^e, 2^(e+1))
        if (exponent >= MAX_EXPONENT) {
            return LINEAR + (MAX_EXPONENT - 11) * SUB_BUCKETS + SUB_BUCKETS - 1;
        }
        int shift = exponent - 10;
        return LINEAR + (exponent - 11) * SUB_BUCKETS + (int) ((micros >> shift) - SUB_BUCKETS);
    }

    static long lowerBound(int index) {
        if (index < LINEAR) {
            return index;
        }
        int exponent = (index - LINEAR) / SUB_BUCKETS + 11;
        long sub = (index - LINEAR) % SUB_BUCKETS + SUB_BUCKETS;
        return sub << (exponent - 10);
    }
}
