package fishchat.api;

import fishchat.metrics.Metrics;

/** What webhook delivery counts, for all receivers of this node together. */
final class WebhookMetrics {
    final Metrics.Counter delivered;
    final Metrics.Counter failures;

    WebhookMetrics(Metrics metrics) {
        delivered = metrics.counter("fishchat_webhook_events_delivered_total", "Webhook events a receiver acknowledged (2xx)");
        failures = metrics.counter("fishchat_webhook_failures_total",
                "Webhook batches not acknowledged (an error status, no answer, unreachable): sent again later");
    }
}
