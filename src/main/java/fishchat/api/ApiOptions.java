package fishchat.api;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a node serves the server API and delivers webhooks.
 *
 * @param listen            where the JSON API listens, or null for none
 * @param keyFile           the API key (created 0600 when missing); needed when the API listens
 * @param webhooks          receivers of webhook events (none: no delivery from this node)
 * @param webhookSecretFile the key webhook bodies are signed with (created 0600 when missing); needed with receivers
 */
public record ApiOptions(InetSocketAddress listen, Path keyFile, List<URI> webhooks, Path webhookSecretFile) {
    /** Neither an API nor webhooks. */
    public static final ApiOptions NONE = new ApiOptions(null, null, List.of(), null);

    public ApiOptions {
        webhooks = List.copyOf(webhooks);
        if (listen != null) {
            Objects.requireNonNull(keyFile, "keyFile");
        }
        if (!webhooks.isEmpty()) {
            Objects.requireNonNull(webhookSecretFile, "webhookSecretFile");
        }
        for (URI url : webhooks) {
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("a webhook URL is http:// or https:// with a host: " + url);
            }
        }
        if (webhooks.stream().distinct().count() != webhooks.size()) {
            throw new IllegalArgumentException("a webhook URL is given twice");
        }
    }

    /** Neither an API nor webhooks. */
    public boolean off() {
        return listen == null && webhooks.isEmpty();
    }
}
