package fishchat.api;

import fishchat.common.Fatal;
import fishchat.store.EventOutbox;
import fishchat.store.OutboxEvent;
import fishchat.store.StoreUnavailableException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Delivers one receiver's events from the outbox, oldest first, one batch at a time: a batch is
 * deleted from the outbox only once the receiver answered 2xx, so every event arrives at least
 * once, and since the next batch goes only after that, a user's events arrive in order. Any
 * other answer (or none within {@link #REQUEST_TIMEOUT}) sends the same events again after a
 * backoff that doubles from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF}, with jitter, for as
 * long as it takes (events older than --retention are deleted with the messages).
 *
 * <p>Of the nodes that name the receiver, one at a time delivers: the one holding its lease in the
 * store ({@link EventOutbox#claim}), renewed every {@link #RENEW_AFTER} while it works; the others
 * check every {@link #STANDBY_CHECK} (which also keeps the receiver registered) and take over once
 * it ran out (a dead holder: within {@link #LEASE}).
 */
final class WebhookDelivery {
    private static final System.Logger LOG = System.getLogger(WebhookDelivery.class.getName());
    static final int BATCH = 100;
    static final Duration LEASE = Duration.ofSeconds(15);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    static final Duration IDLE_POLL = Duration.ofMillis(200);
    static final Duration STANDBY_CHECK = Duration.ofSeconds(5);
    /**
     * The holder renews its lease when it is older than this: a write every 2 s rather than at every
     * idle poll, and still, with a send taking at most {@link #REQUEST_TIMEOUT}, well inside {@link #LEASE}.
     */
    static final Duration RENEW_AFTER = Duration.ofSeconds(2);

    private final URI url;
    private final String target;
    private final String holder;
    private final byte[] secret;
    private final EventOutbox outbox;
    private final HttpClient http;
    private final Clock clock;
    private final WebhookMetrics metrics;
    private Thread thread;
    private volatile boolean running;
    private int failures;
    private boolean storeFailing;
    /** When the oldest event waiting (as last read) happened; 0 when none is known to wait. */
    private volatile long oldestWaitingAt;
    /** When this node last took or renewed the lease (clock millis); 0 when it does not hold it. */
    private long heldSince;

    WebhookDelivery(URI url, String holder, byte[] secret, EventOutbox outbox, HttpClient http, Clock clock,
                    WebhookMetrics metrics) {
        this.url = url;
        this.target = url.toString();
        this.holder = holder;
        this.secret = secret;
        this.outbox = outbox;
        this.http = http;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Registers the receiver at once (its events are written from the next transaction on), then delivers from a thread of its own. */
    void start() {
        try {
            outbox.claim(target, holder, clock.millis(), LEASE);
        } catch (StoreUnavailableException e) {
            LOG.log(WARNING, "webhook {0}: cannot register it yet ({1}); retrying", target, e.getMessage());
        }
        running = true;
        thread = Thread.ofVirtual().name("webhook-" + target).start(this::run);
    }

    void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(REQUEST_TIMEOUT.plusSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Seconds since the oldest event still waiting happened (0: none waiting, or another node delivers). */
    double lagSeconds() {
        long at = oldestWaitingAt;
        return at == 0 ? 0 : Math.max(0, clock.millis() - at) / 1000.0;
    }

    private void run() {
        while (running) {
            try {
                Duration pause = step();
                if (!pause.isZero()) {
                    Thread.sleep(pause);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                Fatal.unexpected("webhook " + target, e);
                sleepQuietly(FIRST_BACKOFF);
            }
        }
    }

    /** One round: holds the lease, sends the oldest batch; returns how long to wait before the next. */
    private Duration step() throws InterruptedException {
        List<OutboxEvent> events;
        try {
            long now = clock.millis();
            if (heldSince == 0 || now - heldSince >= RENEW_AFTER.toMillis() || now < heldSince) {
                if (!outbox.claim(target, holder, now, LEASE)) {
                    heldSince = 0;
                    oldestWaitingAt = 0;
                    return STANDBY_CHECK;
                }
                heldSince = now;
            }
            events = outbox.pending(target, BATCH);
            storeWorks();
        } catch (StoreUnavailableException e) {
            heldSince = 0; // unknown whether it still holds: claim again before sending
            storeFails(e);
            return backoff();
        }
        if (events.isEmpty()) {
            oldestWaitingAt = 0;
            return IDLE_POLL;
        }
        oldestWaitingAt = events.get(0).atMillis();
        WebhookBatch batch = WebhookBatch.of(events, clock.millis(), secret);
        String refusal = post(batch);
        if (refusal != null) {
            failures++;
            metrics.failures.inc();
            Duration wait = backoff();
            LOG.log(WARNING, "webhook {0}: {1} events (ids {2}..{3}) not delivered: {4}; retrying in {5} ms", target,
                    events.size(), String.valueOf(batch.ids.get(0)), String.valueOf(batch.ids.get(batch.ids.size() - 1)),
                    refusal, String.valueOf(wait.toMillis()));
            return wait;
        }
        if (failures > 0) {
            LOG.log(INFO, "webhook {0}: delivering again after {1} failed attempts", target, String.valueOf(failures));
            failures = 0;
        }
        metrics.delivered.add(events.size());
        try {
            outbox.delivered(target, batch.ids);
        } catch (StoreUnavailableException e) {
            // Delivered but still in the outbox: sent again later (at least once), which receivers dedup by id.
            storeFails(e);
            return backoff();
        }
        return Duration.ZERO;
    }

    /** Null when the receiver took the batch (2xx); else why not, in a few words. */
    private String post(WebhookBatch batch) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header(WebhookBatch.SIGNATURE_HEADER, batch.signature)
                .header("User-Agent", "fishchat-webhook")
                .POST(HttpRequest.BodyPublishers.ofByteArray(batch.body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        }
    }

    private Duration backoff() {
        long base = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(20, Math.max(0, failures - 1)));
        // Jitter: several nodes' receivers behind one load balancer do not retry in step.
        return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }

    private void storeFails(StoreUnavailableException e) {
        failures = Math.max(failures, 1);
        if (!running) {
            return; // interrupted by stop(): not the store's fault
        }
        if (!storeFailing) {
            LOG.log(WARNING, "webhook {0}: the outbox cannot be read or written ({1}); retrying", target, e.getMessage());
            storeFailing = true;
        }
    }

    private void storeWorks() {
        if (storeFailing) {
            LOG.log(INFO, "webhook {0}: the outbox answers again", target);
            storeFailing = false;
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
