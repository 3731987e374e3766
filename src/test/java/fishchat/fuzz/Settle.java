package fishchat.fuzz;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for state another thread is about to change (a session thread ending just after its
 * socket closed). Like {@code Await.until}, but polling every 50 µs: at thousands of inputs
 * per run, Await's 5 ms sleep would be most of the fuzzer's time.
 */
final class Settle {
    private Settle() {
    }

    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 5 s: " + what);
            }
            LockSupport.parkNanos(50_000);
        }
    }
}
