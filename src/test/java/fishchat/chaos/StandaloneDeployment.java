package fishchat.chaos;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** {@code fishchat standalone} on SQLite as one process: kill -9 restarts it on the same data dir. */
final class StandaloneDeployment implements Deployment {
    private static final Pattern READY = Pattern.compile("fishchat standalone: gateway 127\\.0\\.0\\.1:(\\d+), access");
    private final Secrets secrets = new Secrets();
    private final ServerProcess server;

    private StandaloneDeployment(ServerProcess server) {
        this.server = server;
    }

    static StandaloneDeployment start(Path work) throws Exception {
        Path data = Files.createDirectories(work.resolve("standalone"));
        Secrets.writeSecret(data.resolve("secret"));
        ServerProcess server = new ServerProcess("standalone", List.of("standalone", "--data", data.toString(),
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0"), READY, List.of());
        StandaloneDeployment deployment = new StandaloneDeployment(server);
        try {
            server.start();
        } catch (Exception | Error e) {
            deployment.close();
            throw e;
        }
        return deployment;
    }

    @Override
    public InetSocketAddress gateway() {
        return server.address();
    }

    @Override
    public String token(long uid) {
        return secrets.token(uid);
    }

    @Override
    public List<Fault> faults() {
        return List.of(new KillNode(List.of(server)));
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
