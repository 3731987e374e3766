package fishchat.bench;

import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A long run of mixed load, to see whether anything in the server grows without bound:
 * {@code users} clients log in and ping every 5–10 s as FishChatServer2's clients do; they
 * send one-to-one messages to random other users at a fixed total rate, and receivers sync on
 * notify; a random user drops its connection and logs in again (through the gateway, syncing
 * from the last seq it holds) at a fixed rate. Bounded: each user has one request in flight,
 * the churn one reconnect, and nothing starts after {@code duration}. A progress line every
 * {@code reportEvery}; the server is sampled by the {@link ServerSampler} given, if any.
 */
public final class SoakBench {
    private static final Duration PING_MIN = Duration.ofSeconds(5);
    private static final Duration PING_MAX = Duration.ofSeconds(10);
    /** Longer than the client's periodic sync (10 s), which recovers a notify that was lost. */
    private static final Duration DELIVERY_GRACE = Duration.ofSeconds(15);

    private final LoadUsers load;
    private final int userCount;
    private final double rate;
    private final double reconnectsPerSecond;
    private final Duration duration;
    private final Duration reportEvery;
    private final int messageBytes;
    private final ServerSampler sampler;
    private final LatencyHistogram ackLatency = new LatencyHistogram();
    private final LatencyHistogram deliveredLatency = new LatencyHistogram();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong pings = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /** @param sampler samples the server during the run, or null */
    public SoakBench(LoadUsers load, int users, double rate, double reconnectsPerSecond, Duration duration,
                     Duration reportEvery, int messageBytes, ServerSampler sampler) {
        if (users < 2) {
            throw new IllegalArgumentException("need at least 2 users");
        }
        this.load = load;
        this.userCount = users;
        this.rate = rate;
        this.reconnectsPerSecond = reconnectsPerSecond;
        this.duration = duration;
        this.reportEvery = reportEvery;
        this.messageBytes = messageBytes;
        this.sampler = sampler;
    }

    /** Runs the load; returns errors + undelivered messages + failed samples (0: a clean run). */
    public long run(PrintStream out) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        if (sampler != null) {
            sampler.start(begin); // from before the logins, so the samples show the ramp-up too
        }
        SoakUser[] users = new SoakUser[userCount];
        for (int n = 0; n < userCount; n++) {
            users[n] = new SoakUser(n, load, this::received);
        }
        try {
            UserLogins.all(userCount, n -> users[n].logIn());
            out.printf(Locale.ROOT, "bench soak: %d users logged in (%s) in %.1f s; %.0f msg/s, %s reconnects/s, "
                            + "pings every %d-%d s, for %d s%n", userCount, load.targets(), (System.nanoTime() - begin) / 1e9,
                    rate, reconnectsPerSecond, PING_MIN.toSeconds(), PING_MAX.toSeconds(), duration.toSeconds());
            out.flush();
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int n = 0; n < userCount; n++) {
                    int self = n;
                    load.submit(() -> userLoop(self, users, start, end));
                }
                if (reconnectsPerSecond > 0) {
                    load.submit(() -> churn(users, start, end));
                }
                report(out, start, end);
            } // waits for requests in flight: each ends within the client's 10 s reply timeout
            long graceUntil = System.nanoTime() + DELIVERY_GRACE.toNanos();
            while (delivered.get() < acked.get() && System.nanoTime() < graceUntil) {
                Thread.sleep(20);
            }
        } finally {
            for (SoakUser user : users) {
                user.close();
            }
            if (sampler != null) {
                sampler.close();
            }
        }
        double seconds = duration.toNanos() / 1e9;
        long undelivered = acked.get() - delivered.get();
        long samples = sampler == null ? 0 : sampler.samples();
        long sampleFailures = sampler == null ? 0 : sampler.failures();
        out.printf(Locale.ROOT, "RESULT bench=soak users=%d offered_per_s=%.0f reconnects_offered_per_s=%s duration_s=%.1f "
                        + "sent=%d acked=%d delivered=%d pings=%d reconnects=%d ack_p50_us=%d ack_p99_us=%d "
                        + "delivered_p50_us=%d delivered_p99_us=%d samples=%d sample_failures=%d undelivered=%d errors=%d%n",
                userCount, rate, reconnectsPerSecond, seconds, sent.get(), acked.get(), delivered.get(), pings.get(),
                reconnects.get(), ackLatency.percentileMicros(0.5), ackLatency.percentileMicros(0.99),
                deliveredLatency.percentileMicros(0.5), deliveredLatency.percentileMicros(0.99), samples, sampleFailures,
                undelivered, errors.get());
        return errors.get() + undelivered + sampleFailures;
    }

    /**
     * One user: sends on a fixed schedule (every users/rate seconds, offset at random so users
     * spread over the interval; one send in flight, so a slow server makes it fall behind)
     * and pings every 5–10 s, until the end of the window.
     */
    private void userLoop(int self, SoakUser[] users, long start, long end) {
        SoakUser user = users[self];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String padding = TimedText.padding(messageBytes);
        long sendInterval = rate > 0 ? (long) (1e9 * userCount / rate) : Long.MAX_VALUE;
        long nextSend = rate > 0 ? start + random.nextLong(sendInterval) : Long.MAX_VALUE;
        long nextPing = start + random.nextLong(PING_MIN.toNanos(), PING_MAX.toNanos());
        while (true) {
            long next = Math.min(nextSend, nextPing);
            if (next >= end || !sleepUntil(next)) {
                return;
            }
            try {
                if (nextSend <= nextPing) {
                    nextSend += sendInterval;
                    send(user, users[NodeLayout.anyOtherUser(userCount, self, random)].uid(), padding);
                } else {
                    nextPing += random.nextLong(PING_MIN.toNanos(), PING_MAX.toNanos());
                    pings.incrementAndGet();
                    if (user.ping() != ErrorCode.OK) {
                        errors.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                // The connection broke under the user: count it, and log in again as an app would.
                errors.incrementAndGet();
                try {
                    user.reconnect();
                } catch (IOException again) {
                    errors.incrementAndGet();
                }
            }
        }
    }

    private void send(SoakUser user, long targetUid, String padding) throws IOException {
        long sentAt = System.nanoTime();
        sent.incrementAndGet();
        if (user.send(targetUid, TimedText.of(sentAt, padding)) == ErrorCode.OK) {
            acked.incrementAndGet();
            ackLatency.recordNanos(System.nanoTime() - sentAt);
        } else {
            errors.incrementAndGet();
        }
    }

    /** A random user drops its connection and logs in again, {@code reconnectsPerSecond} times a second. */
    private void churn(SoakUser[] users, long start, long end) {
        long interval = (long) (1e9 / reconnectsPerSecond);
        for (long next = start + interval; next < end && sleepUntil(next); next += interval) {
            try {
                users[ThreadLocalRandom.current().nextInt(userCount)].reconnect();
                reconnects.incrementAndGet();
            } catch (IOException e) {
                errors.incrementAndGet();
            }
        }
    }

    /** One progress line every reportEvery until the end of the window. */
    private void report(PrintStream out, long start, long end) {
        for (long next = start + reportEvery.toNanos(); next <= end && sleepUntil(next); next += reportEvery.toNanos()) {
            ServerSample sample = sampler == null ? null : sampler.latest();
            out.printf(Locale.ROOT, "soak t=%ds sent=%d acked=%d delivered=%d errors=%d reconnects=%d pings=%d%s%n",
                    Math.round((next - start) / 1e9), sent.get(), acked.get(), delivered.get(), errors.get(),
                    reconnects.get(), pings.get(), sample == null ? "" : " | server " + sample.summary());
            out.flush();
        }
    }

    /** Sleeps until {@code deadline} (System.nanoTime()); false when interrupted. */
    private static boolean sleepUntil(long deadline) {
        long wait = deadline - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Each inbox message once per receiver (see {@link SoakUser}): counts it if this run sent it. */
    private void received(offsetMsg message) {
        long sentAt = TimedText.sentAtNanos(message.getMsg());
        if (sentAt >= 0) {
            deliveredLatency.recordNanos(System.nanoTime() - sentAt);
            delivered.incrementAndGet();
        }
    }
}
