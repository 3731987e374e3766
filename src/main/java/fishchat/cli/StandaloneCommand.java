package fishchat.cli;

import fishchat.libnet.Addresses;
import fishchat.metrics.Metrics;
import fishchat.node.Advertised;
import fishchat.node.Standalone;
import fishchat.web.WebOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;

@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = "Run gateway + access server + message store (embedded SQLite unless --store-url) in one process (no etcd).")
final class StandaloneCommand implements Callable<Integer> {
    @Mixin
    ConfigFlag config;

    @Option(names = "--gateway-listen", defaultValue = "127.0.0.1:10000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Gateway address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress gatewayListen;

    @Option(names = "--access-listen", defaultValue = "127.0.0.1:11000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Access server address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress accessListen;

    @Option(names = "--gateway-tls-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Also serve the gateway over TLS here (with --tls-cert, --tls-key; needs --access-tls-listen) "
                    + "(default: off).")
    InetSocketAddress gatewayTlsListen;

    @Option(names = "--access-tls-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Also serve the access server over TLS here (with --tls-cert, --tls-key) (default: off).")
    InetSocketAddress accessTlsListen;

    @Option(names = "--web-listen", defaultValue = "127.0.0.1:8080", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Chat page for browsers, and GET /access (default: ${DEFAULT-VALUE}).")
    InetSocketAddress webListen;

    @Option(names = "--ws-listen", defaultValue = "127.0.0.1:11080", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "WebSocket endpoint for browsers, ws://HOST:PORT/ws (default: ${DEFAULT-VALUE}).")
    InetSocketAddress wsListen;

    @Option(names = "--no-web", description = "Serve neither the chat page nor WebSockets (TCP clients only).")
    boolean noWeb;

    @Mixin
    WebFlags web;

    @Mixin
    TlsFlags tls;

    @Mixin
    NodeFlags node;

    @Mixin
    StoreFlags storeFlags;

    @Mixin
    AuthFlags auth;

    @Mixin
    ChatFlags chat;

    @Mixin
    ApiFlags api;

    @Mixin
    ServerFlags server;

    @Mixin
    ShutdownFlag shutdown;

    @Override
    public Integer call() throws Exception {
        node.check();
        storeFlags.postgres(); // a bad URL is refused before anything starts
        if (gatewayTlsListen != null && accessTlsListen == null) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--gateway-tls-listen needs --access-tls-listen: TLS clients are given a TLS access address");
        }
        var credentials = tls.load(accessTlsListen != null || web.wssListen != null,
                WebFlags.tlsAddressFlags("--access-tls-listen"));
        Metrics metrics = new Metrics();
        var tokens = auth.verifier(node.data);
        Standalone.Config settings = new Standalone.Config(
                TlsFlags.withTls(server.options(gatewayListen, "gateway", chat.idleTimeout), gatewayTlsListen, credentials),
                TlsFlags.withTls(server.options(accessListen, "access", chat.idleTimeout), accessTlsListen, credentials),
                chat.options(), tokens, new Advertised(node.advertise, node.advertiseTls),
                noWeb ? WebOptions.NONE : web.options(wsListen, webListen, credentials), server.adminListen,
                api.options(node.data));
        Standalone standalone;
        try {
            standalone = Standalone.start(settings, storeFlags.open(node.data, metrics), metrics);
        } catch (BindException e) {
            throw busyPorts().explain(e);
        }
        System.out.printf("fishchat standalone: gateway %s, access %s, %s%s%s%n",
                Addresses.format(standalone.gatewayAddress()), Addresses.format(standalone.accessAddress()),
                storeFlags.describe(node.data), tlsDescription(standalone), standalone.web().describe());
        System.out.flush();
        Shutdown.await(shutdown.grace, () -> standalone.close(shutdown.grace));
        return 0;
    }

    private BusyPorts busyPorts() {
        return new BusyPorts()
                .add(gatewayListen, "--gateway-listen HOST:PORT")
                .add(accessListen, "--access-listen HOST:PORT")
                .add(gatewayTlsListen, "--gateway-tls-listen HOST:PORT")
                .add(accessTlsListen, "--access-tls-listen HOST:PORT")
                .add(noWeb ? null : webListen, "--web-listen HOST:PORT or --no-web")
                .add(noWeb ? null : wsListen, "--ws-listen HOST:PORT or --no-web")
                .add(web.wssListen, "--wss-listen HOST:PORT")
                .add(server.adminListen, "--admin-listen HOST:PORT")
                .add(api.listen, "--api-listen HOST:PORT");
    }

    /** ", TLS gateway H:P, TLS access H:P" when TLS is on; empty otherwise (the line scripts parse stays as it was). */
    private static String tlsDescription(Standalone standalone) {
        InetSocketAddress gateway = standalone.gateway().frameServer().tlsAddress();
        InetSocketAddress access = standalone.access().frameServer().tlsAddress();
        if (access == null) {
            return "";
        }
        return (gateway == null ? "" : ", TLS gateway " + Addresses.format(gateway)) + ", TLS access " + Addresses.format(access);
    }
}
