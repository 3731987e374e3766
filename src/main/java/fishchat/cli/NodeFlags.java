package fishchat.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where an access node keeps its data and how clients reach it: --data, --advertise, --advertise-tls. */
final class NodeFlags {
    @Option(names = "--advertise", paramLabel = "HOST:PORT",
            description = "Access address the gateway hands to clients (default: the bound access address).")
    String advertise;

    @Option(names = "--advertise-tls", paramLabel = "HOST:PORT",
            description = "TLS access address the gateway hands to clients that reached it over TLS "
                    + "(default: the bound TLS access address).")
    String advertiseTls;

    @Option(names = "--data", defaultValue = "./data", paramLabel = "DIR",
            description = "Data directory: message store and token secret (default: ${DEFAULT-VALUE}).")
    Path data;

    /** Refuses a malformed --advertise at start-up. */
    void check() {
        if (advertise != null) {
            HostPort.parse(advertise);
        }
        if (advertiseTls != null) {
            HostPort.parse(advertiseTls);
        }
    }
}
