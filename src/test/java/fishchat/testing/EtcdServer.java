package fishchat.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd (Debian's etcd-server, v2 API enabled) on free loopback ports with its own
 * data dir, for tests. {@link #stop()} and {@link #start()} again keep the data dir, as an
 * operator's restart would. Never a fake: the point is to meet etcd's real behaviour.
 */
public final class EtcdServer implements AutoCloseable {
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final Path log;
    private Process process;

    private EtcdServer(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        this.clientPort = freePort();
        this.peerPort = freePort();
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    /** Starts etcd in {@code workDir}; fails with what to install when there is no etcd binary. */
    public static EtcdServer start(Path workDir) throws IOException, InterruptedException {
        EtcdServer etcd = new EtcdServer(workDir.resolve("etcd-data"));
        etcd.start();
        return etcd;
    }

    public static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, "etcd");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("no etcd binary on PATH: install Debian's etcd-server "
                + "(apt-get install etcd-server; bin/test does this when it runs as root)");
    }

    /** Starts etcd unless it is running; its data dir survives stop() and start(). */
    public void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        String peer = "http://127.0.0.1:" + peerPort;
        process = new ProcessBuilder(List.of(binary(),
                "--name", "test",
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", endpoint(),
                "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "test=" + peer,
                "--enable-v2=true"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("etcd exited at start with " + process.exitValue() + "; see " + log);
            }
            if (get("/v2/keys/") != null) {
                return;
            }
            Thread.sleep(50);
        }
        stop();
        throw new IOException("etcd did not answer within 30 s; see " + log);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** GET on the v2 HTTP API; the body, or null when etcd is not reachable. 404s return the error body. */
    public String get(String path) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint() + path))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** PUT on the v2 HTTP API with a form body (e.g. {@code value=...&ttl=30}); the answer's body. */
    public String put(String path, String form) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        return http.send(HttpRequest.newBuilder(URI.create(endpoint() + path))
                .timeout(Duration.ofSeconds(2))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
