package fishchat.access;

import fishchat.discovery.AccessNode;
import fishchat.discovery.Registry;
import fishchat.discovery.RegistryUnavailableException;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import fishchat.common.Fatal;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Keeps an access node announced in the registry: publishes it with a TTL (10 s) and
 * refreshes it every 3 s with the current session count, re-creating the entry if it
 * vanished. A registry outage is logged once when it starts and once when it ends; the
 * node keeps serving its clients meanwhile. {@link #stop()} withdraws the entry at once.
 */
public final class NodeRegistration implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeRegistration.class.getName());
    public static final Duration TTL = Duration.ofSeconds(10);
    public static final Duration REFRESH = Duration.ofSeconds(3);

    private final Registry registry;
    private final AccessNode node;
    private final LongSupplier sessions;
    private final Duration ttl;
    private final Duration refresh;
    private final ScheduledExecutorService timer;
    private volatile boolean failing;
    private volatile boolean registered;
    private volatile long lastSuccessNanos;

    public NodeRegistration(Registry registry, AccessNode node, LongSupplier sessions) {
        this(registry, node, sessions, TTL, REFRESH);
    }

    /** With another TTL and refresh period than the usual 10 s and 3 s (tests, tuning). */
    public NodeRegistration(Registry registry, AccessNode node, LongSupplier sessions, Duration ttl, Duration refresh) {
        this.registry = registry;
        this.node = node;
        this.sessions = sessions;
        this.ttl = ttl;
        this.refresh = refresh;
        // A platform thread: etcd4j blocks on Netty promises.
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("registration").daemon(true).factory());
        timer.scheduleWithFixedDelay(this::refresh, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        try {
            registry.publish(node.withSessions(sessions.getAsLong()), ttl);
            if (failing || !registered) {
                LOG.log(INFO, "node {0} registered as {1} (TTL {2} s)", node.id(), node.addr(),
                        String.valueOf(ttl.toSeconds()));
            }
            failing = false;
            registered = true;
            lastSuccessNanos = System.nanoTime();
        } catch (RegistryUnavailableException e) {
            if (!failing) {
                LOG.log(WARNING, "cannot register node {0}: {1}; retrying every {2} ms while clients are served",
                        node.id(), e.getMessage(), String.valueOf(refresh.toMillis()));
            }
            failing = true;
        } catch (RuntimeException | Error e) {
            // A scheduled task that throws is never run again: this one must not.
            Fatal.unexpected("registration of node " + node.id(), e);
        }
    }

    /** Registration health as metrics: whether the last refresh worked, and how long ago one did. */
    public void instrument(fishchat.metrics.Metrics metrics) {
        metrics.gauge("fishchat_etcd_registration_ok", "1 when the last refresh of this node's key worked",
                () -> registered && !failing ? 1 : 0);
        metrics.gauge("fishchat_etcd_registration_age_seconds", "Seconds since this node's key was last written",
                () -> lastSuccessNanos == 0 ? -1 : (System.nanoTime() - lastSuccessNanos) / 1e9);
    }

    public AccessNode node() {
        return node;
    }

    /** Stops refreshing and removes the entry, so gateways stop handing out this node at their next poll. */
    public void stop() {
        // shutdown(), not shutdownNow(): an interrupted refresh's request may still reach etcd
        // after the delete below and bring the key back. Let the one in flight finish (a
        // refresh gives up within about 4 s), then delete.
        timer.shutdown();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            registry.withdraw(node.id());
            LOG.log(INFO, "node {0} deregistered", node.id());
        } catch (RegistryUnavailableException e) {
            LOG.log(WARNING, "could not deregister node {0} ({1}); its entry expires within {2} s",
                    node.id(), e.getMessage(), String.valueOf(ttl.toSeconds()));
        }
    }

    @Override
    public void close() {
        stop();
    }
}
