package fishchat.libnet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token bucket on an injected clock (nanoseconds). */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstThenTheRate() {
        long now = 5 * SECOND;
        TokenBucket bucket = new TokenBucket(10, 20, now);
        for (int i = 0; i < 20; i++) {
            assertTrue(bucket.tryTake(1, now), "burst " + i);
        }
        assertFalse(bucket.tryTake(1, now));
        assertEquals(SECOND / 10, bucket.nanosUntil(1), "one token in a tenth of a second");
        assertFalse(bucket.tryTake(1, now + SECOND / 20));
        assertTrue(bucket.tryTake(1, now + SECOND / 10));
    }

    @Test
    void itNeverHoldsMoreThanItsBurstAndAPutBackDoesNotOverfill() {
        long now = 5 * SECOND;
        TokenBucket bucket = new TokenBucket(10, 2, now);
        assertTrue(bucket.fullAt(now + 60 * SECOND));
        assertTrue(bucket.tryTake(2, now + 60 * SECOND), "a minute of quiet still gives two");
        assertFalse(bucket.tryTake(1, now + 60 * SECOND));
        bucket.putBack(5);
        assertTrue(bucket.tryTake(2, now + 60 * SECOND));
        assertFalse(bucket.tryTake(1, now + 60 * SECOND), "put back up to the burst, no more");
    }

    @Test
    void aRateOfZeroAllowsEverything() {
        TokenBucket unlimited = new TokenBucket(0, 0, 0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(unlimited.tryTake(1_000_000, 0));
        }
        assertEquals(0, unlimited.nanosUntil(1));
    }
}
