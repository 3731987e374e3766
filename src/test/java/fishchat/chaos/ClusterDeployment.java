package fishchat.chaos;

import fishchat.client.ChatClient;
import fishchat.testing.EtcdServer;
import fishchat.testing.PostgresServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A cluster as separate processes: a real PostgreSQL and etcd, one gateway and two access
 * nodes (a, b) sharing the store. Every server can be killed with -9; PostgreSQL and etcd
 * can be stopped and started.
 */
final class ClusterDeployment implements Deployment {
    private static final Pattern GATEWAY_LISTENING = Pattern.compile("gateway listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ACCESS_LISTENING = Pattern.compile("access listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Secrets secrets = new Secrets();
    private final List<AutoCloseable> started = new ArrayList<>();
    private PostgresServer pg;
    private EtcdServer etcd;
    private ServerProcess gateway;
    private final List<ServerProcess> accessNodes = new ArrayList<>();

    static ClusterDeployment start(Path work) throws Exception {
        ClusterDeployment d = new ClusterDeployment();
        try {
            d.startAll(work);
        } catch (Exception | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void startAll(Path work) throws Exception {
        pg = PostgresServer.create();
        started.add(pg);
        etcd = EtcdServer.start(work);
        started.add(etcd);
        Path secret = Secrets.writeSecret(work.resolve("secret"));
        Path pgpass = Files.writeString(work.resolve("pgpass"), PostgresServer.PASSWORD + "\n");
        // A 1 s poll (5 s by default): clients are steered off a killed node sooner.
        gateway = new ServerProcess("gateway", List.of("gateway", "--listen", "127.0.0.1:0", "--etcd", etcd.endpoint(),
                "--poll-interval", "1s"), GATEWAY_LISTENING, List.of());
        started.add(gateway);
        gateway.start();
        for (String id : List.of("a", "b")) {
            ServerProcess node = new ServerProcess("access node " + id, List.of("access", "--listen", "127.0.0.1:0",
                    "--node-id", id, "--data", work.resolve(id).toString(), "--etcd", etcd.endpoint(),
                    "--store-url", pg.url(), "--store-password-file", pgpass.toString(),
                    "--secret-file", secret.toString()),
                    ACCESS_LISTENING, List.of(Pattern.compile("node " + id + " registered")));
            started.add(node);
            node.start();
            accessNodes.add(node);
        }
        awaitBothNodesHandedOut();
    }

    /** The load starts once the gateway knows both nodes, so that both carry users from the start. */
    private void awaitBothNodesHandedOut() throws IOException, InterruptedException {
        Set<InetSocketAddress> handedOut = new HashSet<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (handedOut.size() < 2) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the gateway did not hand out both access nodes within 30 s: " + handedOut);
            }
            try {
                handedOut.add(ChatClient.askGateway(gateway.address(), null));
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
    }

    @Override
    public InetSocketAddress gateway() {
        return gateway.address();
    }

    @Override
    public String token(long uid) {
        return secrets.token(uid);
    }

    @Override
    public List<Fault> faults() {
        // Access nodes twice each: they hold the sessions and the sends in flight, so killing
        // one is the harsher fault; the stateless gateway is hit one time in five.
        List<ServerProcess> targets = new ArrayList<>(accessNodes);
        targets.addAll(accessNodes);
        targets.add(gateway);
        return List.of(new KillNode(targets), RestartServer.postgres(pg), RestartServer.etcd(etcd));
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (AutoCloseable c : started.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                first = first == null ? e : first; // keep closing the rest
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
