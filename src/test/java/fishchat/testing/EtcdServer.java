package fishchat.testing;

import java.io.IOException;
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
 * operator's restart would; {@link #close()} removes it. Never a fake: the point is to meet
 * etcd's real behaviour. The data dir is in memory ({@code /dev/shm}) where there is one: every
 * etcd write waits for a disk sync, and on a machine busy writing (the suite's other servers, a
 * build) one sync can outlast the 2 s TTL a test keeps alive by refreshing it.
 */
public final class EtcdServer implements AutoCloseable {
    private final Path dataDir;
    private int clientPort;
    private int peerPort;
    private boolean everStarted;
    private final Path log;
    private Process process;

    private EtcdServer(Path dataDir, Path log) {
        this.dataDir = dataDir;
        this.clientPort = FreePorts.take();
        this.peerPort = FreePorts.take();
        this.log = log;
    }

    /** Starts etcd, its log in {@code workDir}; fails with what to install when there is no etcd binary. */
    public static EtcdServer start(Path workDir) throws IOException, InterruptedException {
        Path memory = Path.of("/dev/shm");
        Path dataDir = Files.isDirectory(memory) && Files.isWritable(memory)
                ? Files.createTempDirectory(memory, "fishchat-etcd-")
                : Files.createDirectories(workDir.resolve("etcd-data"));
        EtcdServer etcd = new EtcdServer(dataDir, workDir.resolve("etcd-data.log"));
        try {
            etcd.start();
        } catch (IOException | InterruptedException | RuntimeException e) {
            etcd.close();
            throw e;
        }
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

    /**
     * Starts etcd unless it is running; its data dir survives stop() and start(). A free port
     * found by probing can be taken before etcd binds it (by another test's server, or as the
     * local port of one of the many loopback connections the suite makes), so a bind refusal is
     * tried again: on a first start with fresh ports (etcd binds before it writes its data dir),
     * on a restart with the same ones (the data dir remembers the peer address), after a pause.
     */
    public void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                startOnce();
                everStarted = true;
                return;
            } catch (PortTaken e) {
                if (attempt == 5) {
                    throw new IOException(e.getMessage());
                }
                if (everStarted) {
                    Thread.sleep(500);
                } else {
                    clientPort = FreePorts.take();
                    peerPort = FreePorts.take();
                }
            }
        }
    }

    private void startOnce() throws IOException, InterruptedException {
        long logStart = Files.exists(log) ? Files.size(log) : 0;
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
                String message = "etcd exited at start with " + process.exitValue() + "; see " + log;
                if (logSince(logStart).contains("address already in use")) {
                    throw new PortTaken(message);
                }
                throw new IOException(message);
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

    /** Stops etcd and removes its data dir. */
    @Override
    public void close() throws InterruptedException {
        stop();
        try (var all = Files.walk(dataDir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is no reason to fail a test
        }
    }

    private String logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(offset, all.length), all.length - (int) Math.min(offset, all.length),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** etcd could not bind one of its ports: somebody took it after we probed it. */
    private static final class PortTaken extends IOException {
        PortTaken(String message) {
            super(message);
        }
    }
}
