package fishchat.cli;

import fishchat.access.AccessServer;
import fishchat.admin.AdminServer;
import fishchat.admin.ServerMetrics;
import fishchat.api.ServerApi;
import fishchat.metrics.Metrics;
import fishchat.access.NodeRegistration;
import fishchat.discovery.etcd.EtcdRegistry;
import fishchat.store.MessageStore;
import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.web.WebFront;
import fishchat.web.WebOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
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
        if (node.advertise == null && etcd.enabled() && listen.getAddress().isAnyLocalAddress()) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "listening on a wildcard address: give --advertise HOST:PORT, the address clients should dial");
        }
        if (nodeId != null) {
            AccessNodes.checkId(nodeId);
        }
        storeFlags.postgres(); // a bad URL is refused before anything starts
        var credentials = tls.load(tlsListen != null || web.wssListen != null, WebFlags.tlsAddressFlags("--tls-listen"));
        WebOptions webOptions = web.options(wsListen, webListen, credentials);
        EtcdRegistry registry = etcd.enabled() ? etcd.open() : null;
        var tokens = auth.verifier(node.data);
        Metrics metrics = new Metrics();
        MessageStore store;
        try {
            store = storeFlags.open(node.data, metrics);
        } catch (IOException | RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            throw e;
        }
        AccessServer access = null;
        WebFront front = null;
        String addr;
        String tlsAddr;
        AdminServer admin;
        try {
            access = new AccessServer(TlsFlags.withTls(server.options(listen, "access", chat.idleTimeout), tlsListen, credentials),
                    chat.options(), store, tokens,
                    Clock.systemUTC(), metrics).start();
            ServerMetrics.register(metrics, "access", access.frameServer());
            addr = AccessNodes.handedOut(node.advertise, access.address());
            tlsAddr = AccessNodes.handedOut(node.advertiseTls, access.frameServer().tlsAddress());
            front = WebFront.start(access.frameServer(), webOptions, new AccessDirectory(AccessList.EMPTY), addr, tlsAddr);
            admin = server.startAdmin(metrics, List.of(store::problem));
            if (admin != null) {
                admin.describe("access", null);
            }
        } catch (Exception e) {
            if (access != null) {
                access.stop(); // first: it ends the WebSocket sessions too
            }
            if (front != null) {
                front.stop();
            }
            store.close();
            if (registry != null) {
                registry.close();
            }
            throw e;
        }
        ServerApi serverApi = ServerApi.start(api.options(node.data), access, tokens, metrics);
        AccessServer serving = access;
        WebFront browsers = front;
        NodeRegistration registration = registry == null ? null
                : new NodeRegistration(registry, AccessNodes.describe(serving, addr, tlsAddr,
                        browsers.wsUrl(false), browsers.wsUrl(true), nodeId),
                        () -> serving.frameServer().sessions().size());
        if (registration != null) {
            registration.instrument(metrics);
        }
        Shutdown.await(shutdown.grace, () -> {
            if (admin != null) {
                admin.draining();
            }
            if (registration != null) {
                registration.stop(); // first: gateways stop handing out this node
            }
            serverApi.stop();
            serving.stop(shutdown.grace); // WebSocket sessions included
            browsers.stop();
            store.close();
            if (registry != null) {
                registry.close();
            }
            if (admin != null) {
                admin.close();
            }
        });
        return 0;
    }
}
