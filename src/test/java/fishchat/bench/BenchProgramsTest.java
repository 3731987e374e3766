package fishchat.bench;

import fishchat.testing.ChatServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

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

            long chatFailures = new ChatBench(server.gateway(), 20, 100, Duration.ofSeconds(1), 5000,
                    server::token, 50, 2).run(print);
            assertEquals(0, chatFailures, out.toString(StandardCharsets.UTF_8));

            long idleFailures = new IdleBench(server.gateway(), 10, Duration.ofMillis(200), 6000, server::token, 2)
                    .run(print);
            assertEquals(0, idleFailures, out.toString(StandardCharsets.UTF_8));

            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("RESULT bench=gateway") && text.contains("RESULT bench=chat")
                    && text.contains("RESULT bench=idle"), text);
            assertTrue(text.matches("(?s).*RESULT bench=chat .*acked=(\\d+) delivered=\\1 .*"), "every ack delivered: " + text);
        }
    }
}
