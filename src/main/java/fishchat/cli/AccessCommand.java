package fishchat.cli;

import fishchat.metrics.Metrics;
import fishchat.node.AccessProcess;
import fishchat.node.Advertised;
import fishchat.web.WebOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;

@Command(name = "access", mixinStandardHelpOptions = true,
        description = "Run an access server: client sessions, login, messages, sync (cmds 20001-20010).")
final class AccessCommand implements Callable<Integer> {
    @Mixin
    ConfigFlag config;

    @Option(names = "--listen", defaultValue = "127.0.0.1:11000", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Address for clients (default: ${DEFAULT-VALUE}).")
    InetSocketAddress listen;

    @Option(names = "--tls-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Also serve clients over TLS here (with --tls-cert, --tls-key); published in etcd as tlsAddr "
                    + "(default: off).")
    InetSocketAddress tlsListen;

    @Option(names = "--ws-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Also serve clients over WebSocket here, ws://HOST:PORT/ws; published in etcd as wsUrl "
                    + "(default: off).")
    InetSocketAddress wsListen;

    @Option(names = "--web-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Serve the chat page and GET /access (this node) here (default: off).")
    InetSocketAddress webListen;

    @Mixin
    WebFlags web;

    @Mixin
    TlsFlags tls;

    @Mixin
    NodeFlags node;

    @Mixin
    EtcdFlags etcd;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "This node's id in etcd, [A-Za-z0-9._-] (default: HOSTNAME-PORT).")
    String nodeId;

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
        if (nodeId != null) {
            checkNodeId(nodeId);
        }
        storeFlags.postgres(); // a bad URL is refused before anything starts
        var credentials = tls.load(tlsListen != null || web.wssListen != null, WebFlags.tlsAddressFlags("--tls-listen"));
        WebOptions webOptions = web.options(wsListen, webListen, credentials);
        var tokens = auth.verifier(node.data);
        Metrics metrics = new Metrics();
        AccessProcess.Config settings = new AccessProcess.Config(
                TlsFlags.withTls(server.options(listen, "access", chat.idleTimeout), tlsListen, credentials),
                chat.options(), () -> storeFlags.open(node.data, metrics), tokens, webOptions,
                new Advertised(node.advertise, node.advertiseTls), etcd.enabled() ? etcd::open : null, nodeId,
                server.adminListen, api.options(node.data));
        AccessProcess access;
        try {
            access = AccessProcess.start(settings, metrics);
        } catch (BindException e) {
            throw new BusyPorts()
                    .add(listen, "--listen HOST:PORT")
                    .add(tlsListen, "--tls-listen HOST:PORT")
                    .add(wsListen, "--ws-listen HOST:PORT")
                    .add(web.wssListen, "--wss-listen HOST:PORT")
                    .add(webListen, "--web-listen HOST:PORT")
                    .add(server.adminListen, "--admin-listen HOST:PORT")
                    .add(api.listen, "--api-listen HOST:PORT")
                    .explain(e);
        }
        Shutdown.await(shutdown.grace, () -> access.stop(shutdown.grace));
        return 0;
    }

    private static void checkNodeId(String id) {
        try {
            new fishchat.discovery.AccessNode(id, "x:1", "", "", "", "", 0, 0, "");
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.TypeConversionException("--node-id: " + e.getMessage());
        }
    }
}
