package fishchat.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flag > environment > file > default, for every flag of every command. */
class ConfigDefaultsTest {
    @TempDir
    Path dir;

    private GatewayCommand parseGateway(Map<String, String> env, String... args) throws IOException {
        CommandLine cl = Main.commandLine();
        cl.setDefaultValueProvider(ConfigDefaults.from(args, env));
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        return (GatewayCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void precedenceIsFlagThenEnvThenFileThenDefault() throws IOException {
        Path file = dir.resolve("f.properties");
        Files.writeString(file, """
                listen=127.0.0.1:1111
                idle-timeout=7s
                gateway.poll-interval=3s
                access-list=127.0.0.1:9
                backlog=77
                """);
        GatewayCommand fromFile = parseGateway(Map.of(), "gateway", "--config", file.toString());
        assertEquals(1111, fromFile.listen.getPort());
        assertEquals(Duration.ofSeconds(7), fromFile.idleTimeout);
        assertEquals(Duration.ofSeconds(3), fromFile.pollInterval, "command-scoped key");
        assertEquals(77, fromFile.server.backlog, "keys of mixins too");
        assertEquals(Duration.ofSeconds(10), fromFile.server.writeTimeout, "default where nothing says otherwise");

        GatewayCommand fromEnv = parseGateway(Map.of("FISHCHAT_LISTEN", "127.0.0.1:2222", "FISHCHAT_IDLE_TIMEOUT", "8s"),
                "gateway", "--config", file.toString());
        assertEquals(2222, fromEnv.listen.getPort(), "env beats file");
        assertEquals(Duration.ofSeconds(8), fromEnv.idleTimeout);

        GatewayCommand fromFlag = parseGateway(Map.of("FISHCHAT_LISTEN", "127.0.0.1:2222"),
                "gateway", "--config", file.toString(), "--listen", "127.0.0.1:3333", "--max-connections", "5");
        assertEquals(3333, fromFlag.listen.getPort(), "flag beats env");
        assertEquals(5, fromFlag.server.maxConnections, "a flag of a mixin");
        assertEquals(77, fromFlag.server.backlog, "its neighbours in the mixin still come from the file");
        assertEquals(Duration.ofSeconds(10), fromFlag.server.writeTimeout, "or from their defaults");
    }

    private static int run(Map<String, String> env, ByteArrayOutputStream err, String... args) {
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return Main.run(args, env);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void unknownKeysAndBadValuesStopTheStartWithExitCode2() throws IOException {
        Path typo = dir.resolve("typo.properties");
        Files.writeString(typo, "lisen=127.0.0.1:1\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(Map.of(), err, "gateway", "--config", typo.toString(), "--access-list", "127.0.0.1:1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown key(s) [lisen]"), err.toString(StandardCharsets.UTF_8));

        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "idle-timeout=soon\n");
        err.reset();
        assertEquals(2, run(Map.of(), err, "gateway", "--config", bad.toString(), "--access-list", "127.0.0.1:1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("config file " + bad + " (idle-timeout): 'soon' is not a duration"),
                err.toString(StandardCharsets.UTF_8));

        err.reset();
        assertEquals(2, run(Map.of(), err, "gateway", "--config", dir.resolve("missing").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("config file " + dir.resolve("missing") + ": no such file"),
                err.toString(StandardCharsets.UTF_8));

        err.reset();
        assertEquals(2, run(Map.of(), err, "gateway", "--etcd", "localhost:2379"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not an etcd endpoint"), err.toString(StandardCharsets.UTF_8));
    }
}
