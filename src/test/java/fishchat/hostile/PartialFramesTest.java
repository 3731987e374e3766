package fishchat.hostile;

import fishchat.bench.attack.HeaderOnlyAttack;
import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 2 000 connections that each send a ping, then all but the last 535 bytes of a 65 535-byte
 * frame, and wait: 120 MB that really arrived, against a node with a 128 MiB heap. Held
 * until the idle timeout, that ran the node out of memory; now incomplete bodies hold at most
 * an eighth of the heap, the connections over it are closed, and the node serves on. From one
 * address, the same attack holds only that address's share, and another client's message
 * that arrives in parts is still read.
 */
class PartialFramesTest extends NodeUnderAttack {
    private static final int CONNECTIONS = 2000;
    private static final int BODY_BYTES = 65_000;

    @Test
    void incompleteBodiesHoldAtMostTheNodesBudgetAndTheNodeServesOn() throws Exception {
        startSmallHeapNode();
        InetSocketAddress access = listening("access");

        // From 32 addresses: 32 shares of 1 MiB are more than the node's 16 MiB.
        HeaderOnlyAttack.Outcome outcome = HeaderOnlyAttack.run(access, PING, CONNECTIONS, 32, Duration.ofSeconds(3), 0,
                true, BODY_BYTES, false);

        assertTrue(server.process().isAlive(), "the node is alive:\n" + server.output());
        assertEquals(CONNECTIONS, outcome.greeted(), outcome.resultLine());
        // 16 MiB of budget holds about 256 such bodies (each counts up to 64 KiB); the rest are closed.
        assertTrue(outcome.stillOpen() > 0 && outcome.stillOpen() <= 400, outcome.resultLine());
        assertTrue(server.output().contains("incomplete requests hold this node's limit of 16 MiB"), "said why");
        try (ChatClient client = ChatClient.connect(access, null, message -> { })) {
            assertEquals(ErrorCode.OK, client.ping(), "a new client is served meanwhile");
        }
    }

    @Test
    void oneAddressHoldsOnlyItsShareAndAnotherClientsSlowRequestIsRead() throws Exception {
        startSmallHeapNode();
        InetSocketAddress access = listening("access");

        // All from 127.0.0.2; meanwhile a ~40 KB ping from 127.0.0.3 arrives in two halves.
        HeaderOnlyAttack.Outcome outcome = HeaderOnlyAttack.run(access, PING, CONNECTIONS, 1, Duration.ofSeconds(3), 0,
                true, BODY_BYTES, true);

        assertEquals("answered", outcome.slowProbe(), outcome.resultLine() + "\n" + server.output());
        // A 1 MiB share holds about 16 such bodies (each counts up to 64 KiB); the rest are closed.
        assertTrue(outcome.stillOpen() > 0 && outcome.stillOpen() <= 40, outcome.resultLine());
        assertTrue(server.output().contains("incomplete requests from 127.0.0.2 hold its share of 1 MiB"), "said why");
        assertTrue(server.process().isAlive(), server.output());
    }

    /** 128 MiB of heap: a 16 MiB budget for incomplete requests, 1 MiB per address; no connection rate, so 2 000 connect at once. */
    private void startSmallHeapNode() throws IOException {
        startStandalone(FishchatProcess.Launch.jvm("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                "--no-web", "--new-connection-rate-per-ip", "0");
    }
}
