package fishchat.testing;

import fishchat.chat.auth.HmacTokens;
import fishchat.client.ChatClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster of its own for one test: a fresh database on a shared PostgreSQL server, its own
 * prefix on a shared etcd, one gateway and two access nodes (a and b) as processes, ready when
 * the gateway hands out both. Closing it stops the processes; the servers stay for the next test.
 */
public final class TwoNodeCluster implements AutoCloseable {
    private static final String SECRET = "00112233445566778899aabbccddeeff";
    private static final Pattern LISTENING = Pattern.compile("(access|gateway|admin) listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    private final Path work;
    private final PostgresServer pg;
    private final EtcdServer etcd;
    private final String storeUrl;
    private final String prefix;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HmacTokens tokens = new HmacTokens(HexFormat.of().parseHex(SECRET), Clock.systemUTC());
    private FishchatProcess nodeA;
    private FishchatProcess nodeB;
    private InetSocketAddress gateway;
    private InetSocketAddress accessA;
    private InetSocketAddress accessB;
    private int adminA;

    private TwoNodeCluster(Path work, PostgresServer pg, EtcdServer etcd, String storeUrl, String prefix) {
        this.work = work;
        this.pg = pg;
        this.etcd = etcd;
        this.storeUrl = storeUrl;
        this.prefix = prefix;
    }

    /** Starts a cluster on these servers; node a also serves its admin port. */
    public static TwoNodeCluster start(PostgresServer pg, EtcdServer etcd) throws Exception {
        Path work = Files.createTempDirectory("fishchat-cluster-");
        TwoNodeCluster cluster = new TwoNodeCluster(work, pg, etcd, pg.newDatabase(), "/c" + CLUSTERS.incrementAndGet());
        try {
            cluster.startProcesses();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void startProcesses() throws Exception {
        Files.writeString(work.resolve("secret"), SECRET + "\n");
        Files.writeString(work.resolve("pgpass"), PostgresServer.PASSWORD + "\n");
        FishchatProcess gatewayProcess = start("gateway", "--listen", "127.0.0.1:0", "--etcd", etcd.endpoint(),
                "--etcd-prefix", prefix, "--poll-interval", "500ms");
        nodeA = startNode("a", "--admin-listen", "127.0.0.1:0");
        nodeB = startNode("b");
        gateway = address(gatewayProcess.await(LISTENING, 60));
        accessA = address(nodeA.await(Pattern.compile("access listening on 127\\.0\\.0\\.1:(\\d+)"), 60));
        adminA = Integer.parseInt(nodeA.await(Pattern.compile("admin listening on 127\\.0\\.0\\.1:(\\d+)"), 30).group(1));
        accessB = address(nodeB.await(Pattern.compile("access listening on 127\\.0\\.0\\.1:(\\d+)"), 60));
        nodeA.await(Pattern.compile("node a registered"), 30);
        nodeB.await(Pattern.compile("node b registered"), 30);
        Set<InetSocketAddress> handedOut = ConcurrentHashMap.newKeySet();
        Await.until("the gateway hands out both nodes", Duration.ofSeconds(20), () -> {
            try {
                handedOut.add(ChatClient.askGateway(gateway, null));
            } catch (IOException e) {
                return false;
            }
            return handedOut.size() == 2;
        });
    }

    private FishchatProcess startNode(String id, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("access", "--listen", "127.0.0.1:0", "--node-id", id,
                "--data", work.resolve(id).toString(), "--etcd", etcd.endpoint(), "--etcd-prefix", prefix,
                "--store-url", storeUrl, "--store-password-file", work.resolve("pgpass").toString(),
                "--secret-file", work.resolve("secret").toString()));
        args.addAll(List.of(more));
        return start(args.toArray(String[]::new));
    }

    private FishchatProcess start(String... args) throws IOException {
        FishchatProcess process = FishchatProcess.start(args);
        toClose.add(process);
        return process;
    }

    private static InetSocketAddress address(Matcher listening) {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(listening.group(listening.groupCount())));
    }

    public InetSocketAddress gateway() {
        return gateway;
    }

    public InetSocketAddress accessA() {
        return accessA;
    }

    public InetSocketAddress accessB() {
        return accessB;
    }

    public int adminPortOfA() {
        return adminA;
    }

    public FishchatProcess nodeA() {
        return nodeA;
    }

    public FishchatProcess nodeB() {
        return nodeB;
    }

    public String token(long uid) {
        return tokens.mint(uid, Duration.ofHours(1));
    }

    /** Something the test opened, closed with the cluster (before its processes). */
    public <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (AutoCloseable resource : toClose.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }
}
