package fishchat.cli;

import fishchat.api.ApiOptions;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The server API and webhooks of an access node (or standalone): docs/API.md. */
final class ApiFlags {
    @Option(names = "--api-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Serve the server API (JSON over HTTP for your backend: tokens, messages, groups, presence, "
                    + "revocation) here; keep it private (default: off).")
    InetSocketAddress listen;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "The API key callers send as 'Authorization: Bearer <key>'; created with mode 0600 when "
                    + "missing (default: DATA/api-key).")
    Path keyFile;

    @Option(names = "--webhook-url", split = ",", converter = WebhookUrl.class, paramLabel = "URL",
            description = "POST webhook events (message.stored, user.online, user.offline) here, signed, at least once "
                    + "and in order per user, from the store's outbox; repeatable. Give every node the same list "
                    + "(default: none).")
    List<URI> webhooks;

    @Option(names = "--webhook-secret-file", paramLabel = "FILE",
            description = "Key of the webhook signature (X-Fishchat-Signature); created with mode 0600 when missing; "
                    + "every node needs the same (default: DATA/webhook-secret).")
    Path webhookSecretFile;

    ApiOptions options(Path dataDir) {
        return new ApiOptions(listen, keyFile != null ? keyFile : dataDir.resolve("api-key"),
                webhooks == null ? List.of() : webhooks,
                webhookSecretFile != null ? webhookSecretFile : dataDir.resolve("webhook-secret"));
    }

    /** An absolute http(s) URL with a host, refused at start-up otherwise. */
    static final class WebhookUrl implements picocli.CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI url = new URI(value.strip());
                if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
                    return url;
                }
            } catch (URISyntaxException e) {
                // refused below
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "'" + value + "' is not an http:// or https:// URL with a host");
        }
    }
}
