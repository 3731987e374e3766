package fishchat.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;

/** Where load programs with logged-in users connect, as whom, and from which source addresses. */
final class LoadFlags {
    @Option(names = "--gateway", defaultValue = "127.0.0.1:10000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Gateway (default: ${DEFAULT-VALUE}).")
    InetSocketAddress gateway;

    @Option(names = "--first-uid", defaultValue = "1000000", paramLabel = "UID",
            description = "Users are FIRST-UID .. FIRST-UID+N-1 (default: ${DEFAULT-VALUE}).")
    long firstUid;

    @Option(names = "--sources", defaultValue = "8", paramLabel = "N",
            description = "Loopback source addresses 127.0.0.2.. to spread connections over (default: ${DEFAULT-VALUE}).")
    int sources;

    @Mixin
    ClientTokenFlags tokens;
}
