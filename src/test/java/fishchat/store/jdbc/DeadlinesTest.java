package fishchat.store.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Deadlines checked on an injected clock: the test calls {@code expire(now)} with times an hour
 * ahead, so the checking thread's own (real-time) ticks never reach them.
 */
class DeadlinesTest {
    private static final long HOUR = 3_600_000_000_000L;
    private final Deadlines deadlines = new Deadlines("deadlines-test");

    @AfterEach
    void stop() {
        deadlines.close();
    }

    @Test
    void anExpiryRunsOnceItsDeadlinePassedAndNotForADoneFuture() {
        long base = System.nanoTime() + HOUR;
        List<Long> fired = new ArrayList<>();
        CompletableFuture<Void> pending = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        deadlines.watch(pending, base + 100, now -> {
            fired.add(now);
            return 0;
        });
        deadlines.watch(done, base + 100, now -> {
            fired.add(-now);
            return 0;
        });
        done.complete(null);
        deadlines.expire(base + 99);
        assertEquals(List.of(), fired, "not yet");
        deadlines.expire(base + 100);
        assertEquals(List.of(base + 100), fired, "the pending one, once; the done one never");
        deadlines.expire(base + 200);
        assertEquals(1, fired.size(), "forgotten after it finished");
    }

    @Test
    void anExpiryMayAskToBeCalledAgainLater() {
        long base = System.nanoTime() + HOUR;
        List<Long> fired = new ArrayList<>();
        deadlines.watch(new CompletableFuture<>(), base, now -> {
            fired.add(now);
            return fired.size() == 1 ? now + 50 : 0;
        });
        deadlines.expire(base);
        deadlines.expire(base + 49);
        deadlines.expire(base + 50);
        assertEquals(List.of(base, base + 50), fired);
    }
}
