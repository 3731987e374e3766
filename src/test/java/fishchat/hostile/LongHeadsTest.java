package fishchat.hostile;

import fishchat.bench.attack.LongHeadAttack;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 4 500 connections to the chat page port, each sending ~15 KB of a request head and waiting,
 * against a node with a 128 MiB heap: kept until the handshake deadline, the heads ran it out
 * of memory. Now a head past 2 KiB counts against the node's budget for incomplete requests,
 * the connections over it are answered 503 and closed, and the page is served meanwhile.
 */
class LongHeadsTest extends NodeUnderAttack {
    @Test
    void longUnfinishedHeadsHoldAtMostTheBudgetAndThePageIsServed() throws Exception {
        startStandalone(FishchatProcess.Launch.jvm("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                "--web-listen", "127.0.0.1:0", "--ws-listen", "127.0.0.1:0", "--new-connection-rate-per-ip", "0");
        int port = port("chat page on http://127\\.0\\.0\\.1:(\\d+)/");

        LongHeadAttack.Outcome outcome = LongHeadAttack.run(new InetSocketAddress("127.0.0.1", port), 4500, 5,
                Duration.ofSeconds(3));

        assertTrue(server.process().isAlive(), "the node is alive:\n" + server.output());
        assertTrue(outcome.stillOpen() < outcome.opened(), "some were refused: " + outcome.resultLine());
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), "the page is served meanwhile");
    }
}
