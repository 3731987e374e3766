package fishchat.discovery.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import fishchat.discovery.AccessNode;
import fishchat.discovery.Registry;
import fishchat.discovery.RegistryUnavailableException;
import mousio.client.retry.RetryNTimes;
import mousio.etcd4j.EtcdClient;
import mousio.etcd4j.responses.EtcdException;
import mousio.etcd4j.responses.EtcdKeysResponse;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.lang.System.Logger.Level.WARNING;

/**
 * {@link Registry} on etcd's v2 keys API through etcd4j: {@code <prefix>/access/<nodeId>}
 * holds the node's JSON with a TTL.
 *
 * <p>etcd4j's default retry policy retries a refused connection forever, even with a
 * request timeout, which would hang a gateway poll on a dead etcd: here every request is
 * tried at most twice with a bounded timeout. Its calls block on Netty promises, so callers
 * run them on platform threads (the registration and poll tasks do).
 */
public final class EtcdRegistry implements Registry {
    private static final System.Logger LOG = System.getLogger(EtcdRegistry.class.getName());
    private static final int KEY_NOT_FOUND = 100;
    private static final long REQUEST_TIMEOUT_MILLIS = 2000;

    private final EtcdClient client;
    private final String accessDir;
    // Tolerant of fields it does not know: nodes of a newer version may publish more.
    private final ObjectMapper json = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public EtcdRegistry(List<URI> endpoints, String prefix) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoint given");
        }
        this.client = new EtcdClient(endpoints.toArray(URI[]::new));
        this.client.setRetryHandler(new RetryNTimes(200, 1));
        this.accessDir = normalizePrefix(prefix) + "/access";
    }

    /**
     * Parses {@code http://host:port[,http://host:port…]}; a malformed entry is an
     * IllegalArgumentException naming it.
     */
    public static List<URI> parseEndpoints(String text) {
        List<URI> endpoints = new ArrayList<>();
        for (String part : text.split(",")) {
            String trimmed = part.trim();
            try {
                URI uri = new URI(trimmed);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                        || uri.getHost() == null || uri.getPort() < 0
                        || !(uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
                    throw new URISyntaxException(trimmed, "expected http://host:port");
                }
                endpoints.add(uri);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + trimmed + "' is not an etcd endpoint (expected http://host:port)");
            }
        }
        return endpoints;
    }

    static String normalizePrefix(String prefix) {
        String p = prefix.trim();
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.equals("/") ? "" : p;
    }

    private String key(String nodeId) {
        return accessDir + "/" + nodeId;
    }

    @Override
    public void publish(AccessNode node, Duration ttl) {
        String value;
        try {
            value = json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a node always serializes", e);
        }
        try {
            // A plain put with TTL both refreshes a live key and re-creates one that expired
            // (or vanished with a restarted etcd), and carries the new session count.
            client.put(key(node.id()), value).ttl((int) Math.max(1, ttl.toSeconds()))
                    .timeout(REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).send().get();
        } catch (Exception e) { // IO, timeout, etcd error or authentication: all mean "not published"
            throw unavailable("publish " + key(node.id()), e);
        }
    }

    @Override
    public void withdraw(String nodeId) {
        try {
            client.delete(key(nodeId)).timeout(REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).send().get();
        } catch (EtcdException e) {
            if (e.getErrorCode() != KEY_NOT_FOUND) {
                throw unavailable("delete " + key(nodeId), e);
            }
        } catch (Exception e) {
            throw unavailable("delete " + key(nodeId), e);
        }
    }

    @Override
    public List<AccessNode> accessNodes() {
        EtcdKeysResponse response;
        try {
            response = client.getDir(accessDir).timeout(REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).send().get();
        } catch (EtcdException e) {
            if (e.getErrorCode() == KEY_NOT_FOUND) {
                return List.of(); // no node has registered yet
            }
            throw unavailable("list " + accessDir, e);
        } catch (Exception e) {
            throw unavailable("list " + accessDir, e);
        }
        List<AccessNode> nodes = new ArrayList<>();
        if (response.node == null || response.node.nodes == null) {
            return nodes;
        }
        for (EtcdKeysResponse.EtcdNode entry : response.node.nodes) {
            if (entry.dir || entry.value == null) {
                continue;
            }
            try {
                nodes.add(json.readValue(entry.value, AccessNode.class));
            } catch (IOException | IllegalArgumentException e) {
                LOG.log(WARNING, "etcd: ignoring {0}: not an access node entry ({1})", entry.key, e.getMessage());
            }
        }
        return nodes;
    }

    private static RegistryUnavailableException unavailable(String what, Exception e) {
        String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return new RegistryUnavailableException("etcd: " + what + " failed: " + reason, e);
    }

    /** Closes the Netty event loop (its threads would otherwise keep the JVM alive). Takes ~2 s. */
    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            LOG.log(WARNING, "etcd: closing the client: {0}", e.getMessage());
        }
    }
}
