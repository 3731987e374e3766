package fishchat.api;

import fishchat.access.AccessServer;
import fishchat.access.Backend;
import fishchat.chat.auth.TokenVerifier;
import fishchat.metrics.Metrics;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The one entry point of the server API for a node: the JSON API when it listens, webhook
 * delivery when it has receivers, nothing when neither is configured. Started after the access
 * server, stopped before it.
 */
public final class ServerApi {
    private final ApiServer api;
    private final Webhooks webhooks;

    private ServerApi(ApiServer api, Webhooks webhooks) {
        this.api = api;
        this.webhooks = webhooks;
    }

    public static ServerApi start(ApiOptions options, AccessServer access, TokenVerifier tokens, Metrics metrics)
            throws IOException {
        Backend backend = access.backend();
        Webhooks webhooks = options.webhooks().isEmpty() ? null
                : Webhooks.start(options.webhooks(), SecretText.loadOrCreate(options.webhookSecretFile(), "webhook secret"),
                        backend, metrics);
        ApiServer api = null;
        try {
            if (options.listen() != null) {
                api = ApiServer.start(options.listen(), SecretText.loadOrCreate(options.keyFile(), "API key"), backend,
                        tokens, access.frameServer().options().limits(), metrics);
            }
        } catch (IOException | RuntimeException e) {
            if (webhooks != null) {
                webhooks.stop();
            }
            throw e;
        }
        return new ServerApi(api, webhooks);
    }

    /** Where the JSON API listens, or null. */
    public InetSocketAddress address() {
        return api == null ? null : api.address();
    }

    /** Stops the API server and webhook delivery (undelivered events wait in the store). */
    public void stop() {
        if (api != null) {
            api.stop();
        }
        if (webhooks != null) {
            webhooks.stop();
        }
    }
}
