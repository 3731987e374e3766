package fishchat.cli;

import fishchat.bench.LoadTargets;
import fishchat.bench.LoadUsers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.List;

/** Where load programs with logged-in users connect, as whom, and from which source addresses. */
final class LoadFlags {
    /** Initialised so that --gateway keeps its default (and config value) when neither flag is given. */
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Targets targets = new Targets();

    @Option(names = "--first-uid", defaultValue = "1000000", paramLabel = "UID",
            description = "Users are FIRST-UID .. FIRST-UID+N-1 (default: ${DEFAULT-VALUE}).")
    long firstUid;

    @Option(names = "--sources", defaultValue = "8", paramLabel = "N",
            description = "Loopback source addresses 127.0.0.2.. to spread connections over (default: ${DEFAULT-VALUE}).")
    int sources;

    @Mixin
    ClientTokenFlags tokens;

    @Mixin
    ClientTlsFlags tls;

    static final class Targets {
        @Option(names = "--gateway", defaultValue = "127.0.0.1:10000", converter = HostPort.class, paramLabel = "HOST:PORT",
                description = "Gateway to log users in through; repeat it to spread users over several, "
                        + "round-robin (default: ${DEFAULT-VALUE}).")
        List<InetSocketAddress> gateways;

        @Option(names = "--access", converter = HostPort.class, paramLabel = "HOST:PORT",
                description = "Access server to log users in on directly, skipping the gateway; repeat it for "
                        + "several nodes: user i goes to the (i mod N)-th. Not with --gateway.")
        List<InetSocketAddress> accessServers;
    }

    /** The load users these flags describe: targets, first uid, tokens, source addresses. */
    LoadUsers users() throws java.io.IOException {
        return new LoadUsers(targets(), firstUid, tokens.minter()::tokenFor, sources);
    }

    LoadTargets targets() {
        // Picocli fills --gateway's default even when --access was given: --access wins.
        LoadTargets plain = targets.accessServers != null
                ? LoadTargets.accessServers(targets.accessServers)
                : LoadTargets.gateways(targets.gateways);
        return tls.trust() == null ? plain : plain.withTls(tls.trust());
    }
}
