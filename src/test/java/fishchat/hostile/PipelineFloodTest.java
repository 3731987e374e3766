package fishchat.hostile;

import fishchat.bench.attack.PipelineFloodAttack;
import fishchat.protocol.Cmd;
import fishchat.protocol.external.ReqAccessServer;
import fishchat.testing.FishchatProcess;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * As many connections as the node has cores, each keeping requests queued so that its thread
 * never waits for input, and no token: a node whose connection threads never stepped aside
 * left every other connection unanswered until the flood ended (a ping waited 8 s). Now a
 * probe pinging every 50 ms is answered throughout, on the access port, the gateway's, and the
 * WebSocket port flooded with PINGs (control frames, no request of their own).
 */
class PipelineFloodTest extends NodeUnderAttack {
    private static final Duration FLOOD = Duration.ofSeconds(5);
    /** Far above a served probe's worst wait (~15 ms here), far below the flood's length. */
    private static final long MAX_WAIT_MICROS = 2_000_000;

    @Test
    void aProbeIsAnsweredWhileConnectionsFloodTheAccessAndGatewayPorts() throws Exception {
        startStandalone(FishchatProcess.Launch.PLAIN, "--web-listen", "127.0.0.1:0", "--ws-listen", "127.0.0.1:0");
        InetSocketAddress access = listening("access");
        InetSocketAddress gateway = listening("gateway");
        int conns = Math.max(2, Runtime.getRuntime().availableProcessors());

        PipelineFloodAttack.Outcome onAccess = PipelineFloodAttack.run(access, PING, conns, access, FLOOD);
        assertServedThroughout(onAccess);

        byte[] ask = ReqAccessServer.newBuilder().setCmd(Cmd.REQ_ACCESS_SERVER.code()).build().toByteArray();
        PipelineFloodAttack.Outcome onGateway = PipelineFloodAttack.run(gateway, ask, conns, access, FLOOD);
        assertServedThroughout(onGateway);

        InetSocketAddress ws = new InetSocketAddress("127.0.0.1", port("WebSocket listening on ws://127\\.0\\.0\\.1:(\\d+)/ws"));
        assertServedThroughout(PipelineFloodAttack.runWebSocketPings(ws, conns, access, FLOOD));
        assertTrue(server.process().isAlive(), server.output());
    }

    private static void assertServedThroughout(PipelineFloodAttack.Outcome outcome) {
        assertTrue(outcome.floodReplyBytes() > 0, "the flood was answered too: " + outcome.resultLine());
        assertEquals(0, outcome.probeFailures(), outcome.resultLine());
        assertTrue(outcome.probeMaxMicros() < MAX_WAIT_MICROS, "the probe waited: " + outcome.resultLine());
        // A ping every 50 ms for 5 s is ~90 answers when they come; one at the end is what a frozen
        // node gives. 20: on a loaded machine the flood's own threads slow the probe's turns too.
        assertTrue(outcome.probes() >= 20, outcome.resultLine());
    }
}
