package fishchat.cli;

import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator sees when a server cannot start: one line on standard error saying what
 * and where (addresses as {@code 127.0.0.1:8080}), at most one line of hint, exit status 2, no
 * stack trace and no usage page; each case run as a real {@code fishchat} process.
 */
class StartupErrorsTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits by itself");
        return new Run(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    private Run run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    /** One line, then at most one line of hint; exit 2; no stack trace anywhere. */
    private static void assertOneLineError(Run run, String expected) {
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.errLines().size() >= 1 && run.errLines().size() <= 2, "one line and a hint at most: " + run.err());
        assertTrue(run.errLines().get(0).contains(expected), run.err());
        assertFalse((run.out() + run.err()).contains("\tat "), "no stack trace: " + run);
        assertFalse((run.out() + run.err()).contains("Exception"), "no exception names: " + run);
    }

    @Test
    void aBusyPortNamesTheAddressAndTheFlagToMove() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String busy = "127.0.0.1:" + taken.getLocalPort();
            Run run = run("standalone", "--data", "data", "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0",
                    "--ws-listen", "127.0.0.1:0", "--web-listen", busy);
            assertOneLineError(run, "cannot listen on " + busy + ": ");
            assertEquals("  try --web-listen HOST:PORT or --no-web", run.errLines().get(1));

            run = run("standalone", "--data", "data", "--gateway-listen", "127.0.0.1:0", "--access-listen", busy, "--no-web");
            assertOneLineError(run, "cannot listen on " + busy + ": ");
            assertEquals("  try --access-listen HOST:PORT", run.errLines().get(1));
        }
    }

    @Test
    void aBadFlagValueIsOneLineWithoutTheUsagePage() throws Exception {
        assertOneLineError(run("standalone", "--idle-timeout", "5"), "--idle-timeout");
        Run run = run("gateway", "--listen", "127.0.0.1:notaport", "--access-list", "127.0.0.1:1");
        assertOneLineError(run, "no numeric port");
        assertEquals("  try 'fishchat gateway --help'", run.errLines().get(1));
    }

    @Test
    void aBadValueFromTheEnvironmentNamesTheVariable() throws Exception {
        Run run = run(Map.of("FISHCHAT_ADMIN_LISTEN", "nowhere"), "standalone", "--data", "data", "--no-web");
        assertOneLineError(run, "FISHCHAT_ADMIN_LISTEN: 'nowhere' is not host:port");
    }

    @Test
    void aMissingConfigFileSaysSoOnce() throws Exception {
        Run run = run("standalone", "--config", "nope.properties");
        assertOneLineError(run, "config file nope.properties: no such file");
    }

    @Test
    void aTokenIsNeverMintedWithANewSecret() throws Exception {
        Run run = run("token", "--uid", "3", "--data", "typo");
        assertOneLineError(run, "typo/secret: no token secret there");
        assertFalse(Files.exists(dir.resolve("typo")), "no secret, nor its directory, created");
        assertOneLineError(run("token", "--uid", "3", "--ttl", "0s"), "--ttl must be at least 1s");
    }

    @Test
    void aClientWithoutATokenSourceIsToldWhichFlagsGiveOne() throws Exception {
        Run run = run("chat", "--uid", "1", "--access", "127.0.0.1:9");
        assertOneLineError(run, "fishchat chat: give --token, --data DIR or --legacy-md5");
        assertFalse(run.err().contains("<main class>"), run.err());
        assertOneLineError(run("chat", "--uid", "1", "--gateway", "127.0.0.1:9", "--access", "127.0.0.1:9", "--token", "t"),
                "give --gateway or --access, not both");
    }

    @Test
    void anEmptyEtcdTurnsOffTheOneAConfigFileNames() throws Exception {
        Files.writeString(dir.resolve("gateway.properties"), "etcd=http://127.0.0.1:9\n");
        Run run = run("gateway", "--config", "gateway.properties", "--listen", "127.0.0.1:0", "--etcd=");
        assertOneLineError(run, "give either --access-list or --etcd (either may come from --config; --etcd= turns etcd off)");
    }

    @Test
    void aWildcardAddressIsNeverHandedOutToClients() throws Exception {
        Run run = run("standalone", "--data", "data", "--gateway-listen", "127.0.0.1:0", "--access-listen", "0.0.0.0:0",
                "--no-web");
        assertOneLineError(run, "--access-listen 0.0.0.0:");
        assertTrue(run.err().contains("give --advertise HOST:PORT"), run.err());
        run = run("gateway", "--listen", "127.0.0.1:0", "--access-list", "0.0.0.0:11000");
        assertOneLineError(run, "0.0.0.0:11000 is a wildcard address");
    }

    @Test
    void aSecondProcessOnTheSameDataDirIsRefusedWhileTheFirstRuns() throws Exception {
        FishchatProcess first = FishchatProcess.start("standalone", "--data", dir.resolve("data").toString(),
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0", "--no-web");
        try {
            first.await(java.util.regex.Pattern.compile("access listening on"), 60);
            Run run = run("standalone", "--data", "data", "--gateway-listen", "127.0.0.1:0",
                    "--access-listen", "127.0.0.1:0", "--no-web");
            // Exit 1, not 2: the holder may be a run still shutting down, worth another try.
            assertEquals(1, run.exit(), run.toString());
            assertEquals(1, run.errLines().size(), run.err());
            assertTrue(run.err().contains("the data dir is in use by another fishchat process (pid " + first.pid() + ")"),
                    run.err());
        } finally {
            first.close();
        }
    }
}
