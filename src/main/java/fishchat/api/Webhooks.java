package fishchat.api;

import fishchat.access.Backend;
import fishchat.metrics.Metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

import static java.lang.System.Logger.Level.INFO;

/**
 * Webhook delivery for this node's receivers (--webhook-url): one {@link WebhookDelivery} each,
 * sharing one HTTP client. Registering a receiver makes every node write its events to the store's
 * outbox, in the transaction of what they describe.
 */
final class Webhooks {
    private static final System.Logger LOG = System.getLogger(Webhooks.class.getName());
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final List<WebhookDelivery> deliveries;

    private Webhooks(List<WebhookDelivery> deliveries) {
        this.deliveries = deliveries;
    }

    static Webhooks start(List<URI> urls, String secret, Backend backend, Metrics metrics) {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER) // a receiver that moved says so: we do not guess
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        WebhookMetrics counters = new WebhookMetrics(metrics);
        List<WebhookDelivery> deliveries = new ArrayList<>();
        for (URI url : urls) {
            deliveries.add(new WebhookDelivery(url, backend.nodeId(), WebhookBatch.key(secret), backend.outbox(), http,
                    backend.clock(), counters));
        }
        metrics.gauge("fishchat_webhook_lag_seconds",
                "Age of the oldest webhook event this node is still trying to deliver (0: none waiting)",
                () -> deliveries.stream().mapToDouble(WebhookDelivery::lagSeconds).max().orElse(0));
        deliveries.forEach(WebhookDelivery::start);
        LOG.log(INFO, "webhooks: delivering to {0}", urls);
        return new Webhooks(deliveries);
    }

    void stop() {
        deliveries.forEach(WebhookDelivery::stop);
    }
}
