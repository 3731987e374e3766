package fishchat.libnet;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * New connections per second, per server and per source address, each a token bucket with a
 * burst of one second's worth. What it stops: a reconnect storm or a connect flood costing a
 * thread, a TLS handshake and a login each before any cap on open connections is reached.
 *
 * <p>Only accept threads call it (one per listener), so a lock is cheap; buckets of addresses
 * that have been quiet long enough to be full again are forgotten on a sweep, so the map is
 * bounded by the addresses seen within about a second.
 */
final class AdmissionRates {
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final double perServer;
    private final double perAddress;
    private final ReentrantLock lock = new ReentrantLock();
    private final TokenBucket server;
    private final Map<InetAddress, TokenBucket> addresses = new HashMap<>();
    private long lastSweep = System.nanoTime();

    /** Rates in connections per second; 0 switches that cap off. */
    AdmissionRates(double perServer, double perAddress) {
        this.perServer = perServer;
        this.perAddress = perAddress;
        this.server = new TokenBucket(perServer, Math.max(1, perServer), System.nanoTime());
    }

    /** A refused connection: why, and in how many milliseconds a retry would be admitted. */
    record Verdict(Refusal refusal, long retryAfterMillis) {
    }

    /** Null when admitted (and counted); otherwise the refusal. */
    Verdict admit(InetAddress source) {
        if (perServer == 0 && perAddress == 0) {
            return null;
        }
        long now = System.nanoTime();
        lock.lock();
        try {
            sweep(now);
            TokenBucket own = null;
            if (perAddress != 0) {
                own = addresses.computeIfAbsent(source, a -> new TokenBucket(perAddress, Math.max(1, perAddress), now));
                if (!own.tryTake(1, now)) {
                    return new Verdict(Refusal.ADDRESS_RATE, millis(own.nanosUntil(1)));
                }
            }
            if (!server.tryTake(1, now)) {
                if (own != null) {
                    own.putBack(1); // the address was not admitted after all
                }
                return new Verdict(Refusal.SERVER_RATE, millis(server.nanosUntil(1)));
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Counts one against the server-wide rate only; false when over it. */
    boolean tryAcquire() {
        lock.lock();
        try {
            return server.tryTake(1, System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    private void sweep(long now) {
        if (now - lastSweep < SWEEP_NANOS) {
            return;
        }
        lastSweep = now;
        for (Iterator<TokenBucket> i = addresses.values().iterator(); i.hasNext(); ) {
            if (i.next().fullAt(now)) {
                i.remove();
            }
        }
    }

    private static long millis(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos) + 1);
    }
}
