package fishchat.cli;

import fishchat.metrics.Metrics;
import fishchat.node.GatewayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run a gateway: tells each client which access server to use (cmd 10001).")
final class GatewayCommand implements Callable<Integer> {
    @Mixin
    ConfigFlag config;

    @Option(names = "--listen", defaultValue = "127.0.0.1:10000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Address for clients (default: ${DEFAULT-VALUE}).")
    InetSocketAddress listen;

    @Option(names = "--tls-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Also serve clients over TLS here (with --tls-cert, --tls-key); they are given TLS access "
                    + "addresses only (default: off).")
    InetSocketAddress tlsListen;

    @Mixin
    TlsFlags tls;

    @Option(names = "--access-list", split = ",", paramLabel = "HOST:PORT",
            description = "Access servers to hand out, comma-separated (without etcd).")
    List<String> accessList;

    @Option(names = "--tls-access-list", split = ",", paramLabel = "HOST:PORT",
            description = "TLS access addresses to hand out on --tls-listen, comma-separated (without etcd; with etcd "
                    + "they come from each node's tlsAddr).")
    List<String> tlsAccessList;

    @Mixin
    EtcdFlags etcd;

    @Option(names = "--poll-interval", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How often the access list is read from etcd (default: ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--idle-timeout", defaultValue = "90s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a connection that sends nothing this long, so vanished clients do not pile up; "
                    + "0s: never (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--web-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Serve the chat page and GET /access (JSON: an access server's addr and wsUrl) here "
                    + "(default: off).")
    InetSocketAddress webListen;

    @Mixin
    ServerFlags server;

    @Mixin
    ShutdownFlag shutdown;

    @Override
    public Integer call() throws Exception {
        if ((accessList == null) == !etcd.enabled()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give either --access-list or --etcd (either may come from --config; --etcd= turns etcd off)");
        }
        if (tlsAccessList != null && accessList == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--tls-access-list goes with --access-list (with etcd, nodes publish their TLS address)");
        }
        if (accessList != null && (tlsListen != null) != (tlsAccessList != null)) {
            // Either way a half-configured gateway: TLS clients with nothing to be given, or a list never used.
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), tlsListen != null
                    ? "--tls-listen with --access-list needs --tls-access-list (the TLS addresses to hand out)"
                    : "--tls-access-list needs --tls-listen");
        }
        List<String> tlsList = tlsAccessList == null ? List.of() : tlsAccessList;
        if (accessList != null) {
            for (String address : Stream.concat(accessList.stream(), tlsList.stream()).toList()) {
                checkDialable(address); // refuse a malformed entry at start-up, not at the first client
            }
        }
        var credentials = tls.load(tlsListen != null, "--tls-listen");
        GatewayNode.Config settings = new GatewayNode.Config(
                TlsFlags.withTls(server.options(listen, "gateway", idleTimeout), tlsListen, credentials),
                accessList, tlsList, etcd.enabled() ? etcd::open : null, pollInterval, webListen, server.adminListen);
        GatewayNode gateway;
        try {
            gateway = GatewayNode.start(settings, new Metrics());
        } catch (BindException e) {
            throw new BusyPorts()
                    .add(listen, "--listen HOST:PORT")
                    .add(tlsListen, "--tls-listen HOST:PORT")
                    .add(webListen, "--web-listen HOST:PORT")
                    .add(server.adminListen, "--admin-listen HOST:PORT")
                    .explain(e);
        }
        Shutdown.await(shutdown.grace, () -> gateway.stop(shutdown.grace));
        return 0;
    }

    /** A handed-out address must be host:port and not a wildcard, which no client can dial. */
    private static void checkDialable(String address) {
        InetSocketAddress parsed = HostPort.parse(address);
        if (parsed.getAddress() != null && parsed.getAddress().isAnyLocalAddress()) {
            throw new picocli.CommandLine.TypeConversionException("--access-list: " + address
                    + " is a wildcard address that no client can dial: list the address clients should use");
        }
    }
}
