package fishchat.web;

import fishchat.cli.Main;
import fishchat.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The chat and admin pages in a real browser: headless Chromium (Debian's) driven by
 * Playwright from {@code web/test} ({@code node --test}), against a real {@code fishchat
 * standalone} process that this test starts (and that the scenarios restart) through two
 * generated shell scripts. The scenarios: two browsers chatting one-to-one and in a group, a
 * browser and a FishChatServer2-style TCP client talking, a page surviving a server restart
 * (reconnect, sync, no duplicates), the admin page following the session count and greying its
 * figures while the node is down, the phone layout at 390×844, errors in plain words and retries
 * only where they can work, the presence dot of a one-to-one peer, own copies and the server API's
 * notices and revocations. Every screenshot goes to {@code target/surefire-reports/browser-screenshots}
 * (and a screenshot of each page of a failed scenario); with {@code -Dfishchat.screenshots=DIR}
 * they also save the screenshots shown in README.md there.
 */
class BrowserTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));
    /** The server's --max-message: the page must learn it at login (ResLogin.maxMessageBytes). */
    private static final int MAX_MESSAGE = 3000;
    /** The server's --max-msg-rate: low, so that a burst from the page meets it (bursts of twice that). */
    private static final int MAX_MSG_RATE = 20;
    private static final Path OUTPUT = ROOT.resolve("target/surefire-reports/browser-screenshots");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @TempDir
    Path dir;

    @AfterEach
    void stopServer() throws IOException, InterruptedException {
        Path pidFile = dir.resolve("server.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(15, TimeUnit.SECONDS).exceptionally(t -> {
                    p.destroyForcibly();
                    return p;
                }).join();
            });
        }
    }

    @Test
    void chatAndAdminPagesWorkInChromium() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: bin/test installs Debian's chromium "
                + "(apt-get install chromium); set CHROMIUM to use another");
        assertTrue(Files.isDirectory(ROOT.resolve("web/node_modules/playwright-core")),
                "web/node_modules is missing: the build runs npm ci in web/ (profile web-deps)");
        int web = FreePorts.take();
        int ws = FreePorts.take();
        int admin = FreePorts.take();
        int access = FreePorts.take();
        int gateway = FreePorts.take();
        int api = FreePorts.take();
        Path data = Files.createDirectories(dir.resolve("data"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        String fishchat = quote(java) + " --enable-native-access=ALL-UNNAMED -cp " + quote(System.getProperty("java.class.path"))
                + " " + Main.class.getName();
        String serve = fishchat + " standalone --data " + quote(data.toString())
                + " --gateway-listen 127.0.0.1:" + gateway + " --access-listen 127.0.0.1:" + access
                + " --web-listen 127.0.0.1:" + web + " --ws-listen 127.0.0.1:" + ws + " --admin-listen 127.0.0.1:" + admin
                + " --api-listen 127.0.0.1:" + api
                + " --max-message " + MAX_MESSAGE + " --max-msg-rate " + MAX_MSG_RATE;
        Path start = script("start.sh", """
                #!/bin/sh
                # Starts the server in the background, its pid in server.pid; returns once it serves.
                cd %1$s
                n=$(ls server-*.log 2>/dev/null | wc -l)
                log=server-$n.log
                %2$s > "$log" 2>&1 &
                echo $! > server.pid
                for i in $(seq 1 300); do
                  grep -q "fishchat standalone:" "$log" && exit 0
                  kill -0 "$(cat server.pid)" 2>/dev/null || { cat "$log"; exit 1; }
                  sleep 0.1
                done
                echo "the server did not start within 30 s"; cat "$log"; exit 1
                """.formatted(quote(dir.toString()), serve));
        Path restart = script("restart.sh", """
                #!/bin/sh
                # Stops the server (SIGTERM, as systemctl restart does), then starts it again on the same ports and data.
                cd %1$s
                pid=$(cat server.pid)
                kill "$pid"
                while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
                exec ./start.sh
                """.formatted(quote(dir.toString())));
        run(List.of(start.toString()), dir, 60);

        List<String> command = List.of("node", "--test", "--test-concurrency=1", "test/");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.resolve("web").toFile()).redirectErrorStream(true);
        builder.environment().put("FISHCHAT_WEB", "http://127.0.0.1:" + web + "/");
        builder.environment().put("FISHCHAT_ADMIN", "http://127.0.0.1:" + admin + "/");
        builder.environment().put("FISHCHAT_ACCESS_TCP", "127.0.0.1:" + access);
        builder.environment().put("FISHCHAT_TOKEN_CMD", fishchat + " token --data " + quote(data.toString()));
        builder.environment().put("FISHCHAT_RESTART_CMD", restart.toString());
        builder.environment().put("FISHCHAT_API", "http://127.0.0.1:" + api + "/");
        builder.environment().put("FISHCHAT_API_KEY", Files.readString(data.resolve("api-key")).strip()); // created at start
        builder.environment().put("CHROMIUM", CHROMIUM.toString());
        builder.environment().put("FISHCHAT_MAX_MESSAGE", String.valueOf(MAX_MESSAGE));
        deleteTree(OUTPUT); // this run's pictures only
        builder.environment().put("FISHCHAT_TEST_OUTPUT", OUTPUT.toString());
        String screenshots = System.getProperty("fishchat.screenshots");
        if (screenshots != null) {
            builder.environment().put("FISHCHAT_SCREENSHOTS", Path.of(screenshots).toAbsolutePath().toString());
        }
        Process node = builder.start();
        String output;
        try (var in = node.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8); // ends when node exits
        }
        boolean ended = node.waitFor(5, TimeUnit.MINUTES);
        System.out.println(output);
        System.out.println("BrowserTest: screenshots in " + OUTPUT);
        if (!ended) {
            node.destroyForcibly();
            fail("the browser tests did not end within 5 minutes:\n" + output);
        }
        assertEquals(0, node.exitValue(), "browser tests failed (node --test output above):\n" + tail(output)
                + "\nserver logs:\n" + serverLogs());
        assertTrue(output.contains("# pass") && !output.contains("# pass 0") && output.contains("# fail 0")
                && output.contains("# skipped 0"), "every browser scenario ran and passed:\n" + tail(output));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var files = Files.walk(root)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private Path script(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static void run(List<String> command, Path cwd, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), command + " did not end");
        assertEquals(0, p.exitValue(), command + ":\n" + out);
    }

    private String serverLogs() throws IOException {
        List<String> logs = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path log : files.filter(f -> f.getFileName().toString().startsWith("server-")).sorted().toList()) {
                logs.add("== " + log.getFileName() + "\n" + tail(Files.readString(log)));
            }
        }
        return String.join("\n", logs);
    }

    private static String tail(String text) {
        List<String> lines = text.lines().collect(Collectors.toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

}
