package fishchat.hostile;

import fishchat.bench.attack.HeaderOnlyAttack;
import fishchat.client.ChatClient;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ReqPing;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 2 000 connections that each send a ping, then all but the last 535 bytes of a 65 535-byte
 * frame, and wait: 120 MB that really arrived, against a node with a 128 MiB heap. Held
 * until the idle timeout, that ran the node out of memory; now incomplete bodies hold at most
 * an eighth of the heap, the connections over it are closed, and the node serves on.
 */
class PartialFramesTest extends NodeUnderAttack {
    private static final int CONNECTIONS = 2000;
    private static final int BODY_BYTES = 65_000;


    @Test
    void incompleteBodiesHoldAtMostTheNodesBudgetAndTheNodeServesOn() throws Exception {
        server = FishchatProcess.start(FishchatProcess.Launch.jvm("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                "standalone", "--data", dir.toString(), "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0",
                "--no-web", "--new-connection-rate-per-ip", "0");
        int port = port("access listening on 127\\.0\\.0\\.1:(\\d+)");
        InetSocketAddress access = new InetSocketAddress("127.0.0.1", port);
        byte[] ping = ReqPing.newBuilder().setCmd(Cmd.PING.code()).build().toByteArray();

        HeaderOnlyAttack.Outcome outcome = HeaderOnlyAttack.run(access, ping, CONNECTIONS, 5, Duration.ofSeconds(3), 0,
                true, BODY_BYTES);

        assertTrue(server.process().isAlive(), "the node is alive:\n" + server.output());
        assertEquals(CONNECTIONS, outcome.greeted(), outcome.resultLine());
        // 16 MiB of budget holds about 256 such bodies (each counts up to 64 KiB); the rest are closed.
        assertTrue(outcome.stillOpen() > 0 && outcome.stillOpen() <= 400, outcome.resultLine());
        assertTrue(server.output().contains("incomplete requests hold this node's limit of 16 MiB"), "said why");
        try (ChatClient client = ChatClient.connect(access, null, message -> { })) {
            assertEquals(ErrorCode.OK, client.ping(), "a new client is served meanwhile");
        }
    }
}
