package fishchat.bench;

import fishchat.chat.auth.SecretFile;
import fishchat.cli.HostPort;
import fishchat.testing.ChatServer;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load programs still work end to end and account for every request and message.
 * They are run with a tiny load; no speed is asserted (figures belong in docs/BENCHMARKS.md).
 */
class BenchProgramsTest {
    @TempDir
    Path data;

    @Test
    void benchProgramsRunCleanlyAgainstAStandaloneServer() throws Exception {
        try (ChatServer server = ChatServer.start(data)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

            long gatewayErrors = new GatewayBench(server.gateway(), 4, Duration.ofMillis(200), Duration.ofSeconds(1), 2)
                    .run(print);
            assertEquals(0, gatewayErrors, out.toString(StandardCharsets.UTF_8));

            LoadTargets gateway = LoadTargets.gateways(List.of(server.gateway()));
            long chatFailures = new ChatBench(new LoadUsers(gateway, 5000, server::token, 2), 20, 100,
                    Duration.ofSeconds(1), 50, true).run(print);
            assertEquals(0, chatFailures, out.toString(StandardCharsets.UTF_8));

            long groupFailures = new GroupBench(new LoadUsers(gateway, 8000, server::token, 2), 12, 3, 20,
                    Duration.ofSeconds(1), 50).run(print);
            assertEquals(0, groupFailures, out.toString(StandardCharsets.UTF_8));

            long idleFailures = new IdleBench(new LoadUsers(gateway, 6000, server::token, 2), 10, Duration.ofMillis(200))
                    .run(print);
            assertEquals(0, idleFailures, out.toString(StandardCharsets.UTF_8));

            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("RESULT bench=gateway") && text.contains("RESULT bench=chat")
                    && text.contains("RESULT bench=idle"), text);
            assertTrue(text.matches("(?s).*RESULT bench=chat .*acked=(\\d+) delivered=\\1 .*"), "every ack delivered: " + text);
            java.util.regex.Matcher group = java.util.regex.Pattern.compile(
                    "RESULT bench=group members=12 .* acked=(\\d+) deliveries=(\\d+) expected_deliveries=(\\d+) .*incomplete=0 errors=0").matcher(text);
            assertTrue(group.find(), "every group message reached all 12 members: " + text);
            assertEquals(Long.parseLong(group.group(2)), Long.parseLong(group.group(3)));
            assertEquals(12 * Long.parseLong(group.group(1)), Long.parseLong(group.group(3)));
            assertTrue(text.contains("20 users on 1 access node (behind 1 gateway), sends to any user"), text);
        }
    }

    @Test
    void chatBenchLogsUsersInOnTwoAccessNodesAndSendsAcrossThem() throws Exception {
        // The bench mints tokens from DATA/secret: give it the test server's.
        Files.writeString(data.resolve(SecretFile.DEFAULT_NAME), HexFormat.of().formatHex(ChatServer.SECRET));
        try (ChatServer server = ChatServer.start(data)) {
            // One store per process: the same access server listed twice stands in for two nodes.
            String access = fishchat.libnet.Addresses.format(server.access().address());
            try (FishchatProcess bench = FishchatProcess.start("bench", "chat", "--access", access, "--access", access,
                    "--users", "20", "--rate", "100", "--duration", "1s", "--first-uid", "7000", "--sources", "2",
                    "--data", data.toString())) {
                assertTrue(bench.process().waitFor(60, TimeUnit.SECONDS), bench.output());
                String text = bench.output();
                assertEquals(0, bench.process().exitValue(), text);
                assertTrue(text.contains("20 users on 2 access nodes (2 --access targets), cross-node sends"), text);
                assertTrue(text.matches("(?s).*RESULT bench=chat .*acked=([1-9]\\d*) delivered=\\1 .*undelivered=0 errors=0.*"),
                        "every ack delivered: " + text);
            }
        }
    }

    @Test
    void loadUsersRefusedForOpeningTooFastWaitAsToldAndAllLogIn() throws Exception {
        Files.writeString(data.resolve(SecretFile.DEFAULT_NAME), HexFormat.of().formatHex(ChatServer.SECRET));
        try (FishchatProcess server = FishchatProcess.start("standalone", "--data", data.toString(),
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0",
                "--new-connection-rate-per-ip", "40")) {
            String access = server.await(Pattern.compile("access listening on (\\S+)"), 60).group(1);
            // 200 users from one source address at 32 at a time: far over 40 connections a second.
            try (FishchatProcess bench = FishchatProcess.start("bench", "idle", "--access", access, "--users", "200",
                    "--hold", "1s", "--first-uid", "9000", "--sources", "1", "--data", data.toString())) {
                assertTrue(bench.process().waitFor(90, TimeUnit.SECONDS), bench.output());
                String text = bench.output();
                assertEquals(0, bench.process().exitValue(), text);
                assertTrue(text.contains("RESULT bench=idle users=200 logged_in=200 failed=0"), text);
            }
            assertTrue(server.output().contains("new connections per second from 127.0.0.2"),
                    "the server did refuse some: " + server.output().lines().filter(l -> l.contains("refusing")).toList());
        }
    }

    @Test
    void soakRunsMixedLoadAgainstAServerProcessAndSamplesIt() throws Exception {
        Path samples = data.resolve("soak.csv");
        try (FishchatProcess server = FishchatProcess.start("standalone", "--data", data.toString(),
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0")) {
            String gateway = server.await(Pattern.compile("gateway listening on (\\S+)"), 60).group(1);
            String admin = server.await(Pattern.compile("admin listening on (\\S+) "), 60).group(1);
            try (FishchatProcess bench = FishchatProcess.start("bench", "soak", "--gateway", gateway,
                    "--users", "20", "--rate", "40", "--reconnects-per-second", "4", "--duration", "4s",
                    "--report-every", "1s", "--sample-every", "1s", "--first-uid", "8000", "--sources", "2",
                    "--data", data.toString(), "--server-pid", Long.toString(server.process().pid()),
                    "--server-metrics", "http://" + admin + "/metrics", "--samples", samples.toString())) {
                assertTrue(bench.process().waitFor(60, TimeUnit.SECONDS), bench.output());
                String text = bench.output();
                assertEquals(0, bench.process().exitValue(), text);
                assertTrue(text.contains("bench soak: 20 users logged in (behind 1 gateway)"), text);
                assertTrue(text.contains("soak t=1s sent="), text);
                assertTrue(text.matches("(?s).*RESULT bench=soak .*acked=([1-9]\\d*) delivered=\\1 pings=\\d+ "
                        + "reconnects=[1-9]\\d* .*sample_failures=0 undelivered=0 errors=0.*"), text);
            }
        }
        List<String> lines = Files.readAllLines(samples);
        assertEquals("elapsed_s,rss_bytes,threads,open_files,heap_used_bytes,heap_after_gc_bytes", lines.get(0));
        assertTrue(lines.size() >= 5, "a sample a second for 4 s and the logins: " + lines);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            assertEquals(6, fields.length, line);
            for (int i = 1; i < 5; i++) { // the heap after GC may be 0 before the first collection
                assertTrue(Long.parseLong(fields[i]) > 0, "every figure read: " + line);
            }
            assertTrue(Long.parseLong(fields[5]) >= 0, line);
        }
    }

    @Test
    void pingBenchRunsOverTcpAndWebSocket() throws Exception {
        try (FishchatProcess server = FishchatProcess.start("standalone", "--data", data.toString(),
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0")) {
            String access = server.await(Pattern.compile("access listening on (\\S+)"), 60).group(1);
            String wsUrl = server.await(Pattern.compile("WebSocket listening on (ws://\\S+)"), 60).group(1);
            String pid = Long.toString(server.process().pid());
            // Closed loop, logged in, with the server's CPU: over both transports.
            for (List<String> target : List.of(List.of("--access", access), List.of("--ws-url", wsUrl))) {
                Map<String, String> result = ping(target, "--data", data.toString(), "--first-uid", "9500",
                        "--server-pid", pid);
                assertEquals(target.get(0).equals("--access") ? "tcp" : "ws", result.get("transport"), result.toString());
                assertEquals("true", result.get("logged_in"), result.toString());
                assertTrue(Double.parseDouble(result.get("server_cpu_us_per_req")) >= 0, result.toString());
            }
            // Once per interval, not logged in.
            Map<String, String> paced = ping(List.of("--ws-url", wsUrl), "--interval", "200ms");
            assertEquals("false", paced.get("logged_in"), paced.toString());
            assertEquals("200", paced.get("interval_ms"), paced.toString());
        }
    }

    /** Runs {@code bench ping} with 4 connections for 1 s; its RESULT fields, checked for errors=0. */
    private static Map<String, String> ping(List<String> target, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("bench", "ping", "--conns", "4", "--warmup", "300ms",
                "--duration", "1s", "--sources", "2"));
        args.addAll(target);
        args.addAll(List.of(more));
        try (FishchatProcess bench = FishchatProcess.start(args.toArray(String[]::new))) {
            assertTrue(bench.process().waitFor(60, TimeUnit.SECONDS), bench.output());
            String text = bench.output();
            assertEquals(0, bench.process().exitValue(), text);
            String line = text.lines().filter(l -> l.startsWith("RESULT bench=ping ")).findFirst().orElseThrow(
                    () -> new AssertionError("no RESULT line: " + text));
            Map<String, String> fields = new HashMap<>();
            for (String field : line.substring("RESULT ".length()).split(" ")) {
                String[] kv = field.split("=", 2);
                assertEquals(2, kv.length, "key=value: " + line);
                fields.put(kv[0], kv[1]);
            }
            assertEquals("4", fields.get("conns"), line);
            assertEquals("0", fields.get("errors"), line);
            assertTrue(Long.parseLong(fields.get("requests")) > 0, line);
            assertTrue(Double.parseDouble(fields.get("rps")) > 0, line);
            assertTrue(Long.parseLong(fields.get("p99_us")) >= Long.parseLong(fields.get("p50_us")), line);
            return fields;
        }
    }

    @Test
    void gatewayAndAccessTogetherAreRefused() throws Exception {
        try (FishchatProcess bench = FishchatProcess.start("bench", "chat",
                "--gateway", "127.0.0.1:1", "--access", "127.0.0.1:2")) {
            assertTrue(bench.process().waitFor(30, TimeUnit.SECONDS), bench.output());
            assertEquals(2, bench.process().exitValue(), bench.output());
            assertTrue(bench.output().contains("--gateway=HOST:PORT, --access=HOST:PORT are mutually exclusive"),
                    bench.output());
        }
    }
}
