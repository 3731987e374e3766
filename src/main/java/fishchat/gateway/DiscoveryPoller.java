package fishchat.gateway;

import fishchat.discovery.AccessNode;
import fishchat.discovery.Registry;
import fishchat.discovery.RegistryUnavailableException;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import fishchat.common.Fatal;
import java.util.concurrent.TimeUnit;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The gateway's view of the access tier: lists the registry every poll interval and swaps
 * a new {@link AccessList} into the {@link AccessDirectory}. Requests never wait for it.
 * When a poll fails the last good list stays in force; the outage is logged once, and so
 * is every node that joins or leaves.
 */
public final class DiscoveryPoller implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DiscoveryPoller.class.getName());

    private final Registry registry;
    private final AccessDirectory directory;
    private final ScheduledExecutorService timer;
    private volatile boolean failing;
    private volatile long lastSuccessNanos;

    public DiscoveryPoller(Registry registry, AccessDirectory directory, Duration interval) {
        this.registry = registry;
        this.directory = directory;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("discovery-poll").daemon(true).factory());
        timer.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        List<AccessNode> nodes;
        try {
            nodes = registry.accessNodes();
        } catch (RegistryUnavailableException e) {
            if (!failing) {
                LOG.log(WARNING, "discovery: {0}; keeping the last list {1}", e.getMessage(), directory.current());
            }
            failing = true;
            return;
        } catch (RuntimeException | Error e) {
            // A scheduled task that throws is never run again: this one must not.
            Fatal.unexpected("discovery poll", e);
            return;
        }
        if (failing) {
            LOG.log(INFO, "discovery: registry reachable again");
            failing = false;
        }
        lastSuccessNanos = System.nanoTime();
        // Sorted, so that an unchanged set of nodes is an equal list and nothing is swapped.
        AccessList next = AccessList.of(nodes.stream()
                .map(node -> new AccessList.Choice(node.addr(), node.wsUrl())));
        AccessList previous = directory.current();
        if (!next.equals(previous)) {
            directory.replace(next);
            logChanges(previous.addresses(), next.addresses());
        }
        AccessList nextTls = AccessList.of(nodes.stream().filter(node -> !node.tlsAddr().isEmpty())
                .map(node -> new AccessList.Choice(node.tlsAddr(), node.wssUrl())));
        if (!nextTls.equals(directory.current(true))) {
            directory.replaceTls(nextTls);
        }
    }

    private static void logChanges(List<String> before, List<String> after) {
        Set<String> joined = new HashSet<>(after);
        joined.removeAll(before);
        Set<String> left = new HashSet<>(before);
        left.removeAll(after);
        for (String addr : joined) {
            LOG.log(INFO, "discovery: access server {0} joined", addr);
        }
        for (String addr : left) {
            LOG.log(INFO, "discovery: access server {0} left", addr);
        }
        if (after.isEmpty()) {
            LOG.log(WARNING, "discovery: no access server is registered; clients get 92001");
        }
    }

    /** Poll health as metrics: whether the last poll worked, how long ago one did, the list size. */
    public void instrument(fishchat.metrics.Metrics metrics) {
        metrics.gauge("fishchat_etcd_poll_ok", "1 when the last poll of the access list worked",
                () -> lastSuccessNanos != 0 && !failing ? 1 : 0);
        metrics.gauge("fishchat_etcd_poll_age_seconds", "Seconds since the access list was last read",
                () -> lastSuccessNanos == 0 ? -1 : (System.nanoTime() - lastSuccessNanos) / 1e9);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
