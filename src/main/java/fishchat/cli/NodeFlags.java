package fishchat.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where an access node keeps its data and how clients reach it: --data, --advertise. */
final class NodeFlags {
    @Option(names = "--advertise", paramLabel = "HOST:PORT",
            description = "Access address the gateway hands to clients (default: the bound access address).")
    String advertise;

    @Option(names = "--data", defaultValue = "./data", paramLabel = "DIR",
            description = "Data directory: message store and token secret (default: ${DEFAULT-VALUE}).")
    Path data;

    /** Refuses a malformed --advertise at start-up. */
    void check() {
        if (advertise != null) {
            HostPort.parse(advertise);
        }
    }
}
