package fishchat.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    @Test
    void doublesFromHalfASecondToTenSecondsWithinAQuarterEitherWay() {
        Backoff backoff = Backoff.standard();
        long[] base = {500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000};
        for (int round = 0; round < 200; round++) {
            for (int attempt = 0; attempt < base.length; attempt++) {
                long ms = backoff.delay(attempt).toMillis();
                assertTrue(ms >= base[attempt] * 3 / 4 && ms <= base[attempt] * 5 / 4,
                        "attempt " + attempt + " waits " + ms + " ms");
            }
        }
        assertTrue(backoff.delay(1_000_000).toMillis() <= 12_500, "capped for any attempt count");
    }

    @Test
    void jitterSpreadsClientsApart() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10), 0.25, new SplittableRandom(7));
        long first = backoff.delay(3).toMillis();
        boolean differs = false;
        for (int i = 0; i < 20 && !differs; i++) {
            differs = backoff.delay(3).toMillis() != first;
        }
        assertTrue(differs, "the same attempt does not always wait the same");
    }

    @Test
    void noJitterIsExact() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(300), 0, RandomGenerator.getDefault());
        assertEquals(100, backoff.delay(0).toMillis());
        assertEquals(200, backoff.delay(1).toMillis());
        assertEquals(300, backoff.delay(2).toMillis());
    }
}
