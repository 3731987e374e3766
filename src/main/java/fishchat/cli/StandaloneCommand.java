package fishchat.cli;

import fishchat.admin.AdminServer;
import fishchat.api.ServerApi;
import fishchat.metrics.Metrics;
import fishchat.standalone.Standalone;
import fishchat.web.WebOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.List;
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
        if (gatewayTlsListen != null && node.advertiseTls == null && accessTlsListen.getAddress().isAnyLocalAddress()) {
            // The gateway would hand out 0.0.0.0, which no client can dial nor match a certificate with.
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--access-tls-listen on a wildcard address: give --advertise-tls HOST:PORT, the name clients dial");
        }
        var credentials = tls.load(accessTlsListen != null || web.wssListen != null,
                WebFlags.tlsAddressFlags("--access-tls-listen"));
        Metrics metrics = new Metrics();
        var tokens = auth.verifier(node.data);
        Standalone standalone = Standalone.start(
                TlsFlags.withTls(server.options(gatewayListen, "gateway", chat.idleTimeout), gatewayTlsListen, credentials),
                TlsFlags.withTls(server.options(accessListen, "access", chat.idleTimeout), accessTlsListen, credentials),
                chat.options(), storeFlags.open(node.data, metrics), tokens, node.advertise, node.advertiseTls,
                noWeb ? WebOptions.NONE : web.options(wsListen, webListen, credentials), metrics);
        ServerApi serverApi = ServerApi.start(api.options(node.data), standalone.access(), tokens, metrics);
        AdminServer admin = server.startAdmin(metrics, List.of(() -> standalone.store().problem()));
        if (admin != null) {
            admin.describe("standalone", () -> standalone.gateway().directory().current().addresses());
        }
        System.out.printf("fishchat standalone: gateway %s, access %s, %s%s%s%n",
                HostPort.format(standalone.gatewayAddress()), HostPort.format(standalone.accessAddress()),
                storeFlags.describe(node.data), tlsDescription(standalone), standalone.web().describe());
        System.out.flush();
        Shutdown.await(shutdown.grace, () -> {
            if (admin != null) {
                admin.draining();
            }
            serverApi.stop();
            standalone.close(shutdown.grace);
            if (admin != null) {
                admin.close();
            }
        });
        return 0;
    }

    /** ", TLS gateway H:P, TLS access H:P" when TLS is on; empty otherwise (the line scripts parse stays as it was). */
    private static String tlsDescription(Standalone standalone) {
        InetSocketAddress gateway = standalone.gateway().frameServer().tlsAddress();
        InetSocketAddress access = standalone.access().frameServer().tlsAddress();
        if (access == null) {
            return "";
        }
        return (gateway == null ? "" : ", TLS gateway " + HostPort.format(gateway)) + ", TLS access " + HostPort.format(access);
    }
}
