package fishchat.web;

import fishchat.access.AccessOptions;
import fishchat.bench.attack.SilentAttack;
import fishchat.chat.auth.HmacTokens;
import fishchat.libnet.ServerOptions;
import fishchat.metrics.Metrics;
import fishchat.protocol.Cmd;
import fishchat.protocol.external.ReqPing;
import fishchat.protocol.external.ResPing;
import fishchat.node.Standalone;
import fishchat.store.sqlite.SqliteStore;
import fishchat.testing.ChatServer;
import fishchat.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that never speak, to the WebSocket port and the chat page: admitted when
 * accepted, before anything is read, by the same per-address cap and rates as the frame
 * ports, and closed by the handshake timeout counted from accept. So a few hundred silent
 * sockets neither stay open nor lock browsers from other addresses out.
 */
class SilentConnectionsTest {
    private static final int CAP_PER_ADDRESS = 20;
    /**
     * The attack counts the sockets still open a second after it has opened them all: the
     * handshake timeout must outlast that even when opening 200 takes a few seconds on a busy
     * machine, and the hold must outlast the timeout.
     */
    private static final Duration HANDSHAKE = Duration.ofSeconds(4);
    private static final Duration HOLD = Duration.ofSeconds(7);

    @TempDir
    Path dir;

    private Standalone node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private void start(UnaryOperator<ServerOptions> access) throws Exception {
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        node = Standalone.start(new Standalone.Config(ServerOptions.defaults(any, "gateway"),
                access.apply(ServerOptions.defaults(any, "access")), AccessOptions.defaults(),
                new HmacTokens(ChatServer.SECRET, Clock.systemUTC()), new WebOptions(any, null, null, null, any, null, null)),
                SqliteStore.open(dir, Duration.ofSeconds(4)), new Metrics());
    }

    private InetSocketAddress webSocketPort() {
        URI url = URI.create(node.web().wsUrl(false));
        return new InetSocketAddress(url.getHost(), url.getPort());
    }

    @Test
    void silentConnectionsToTheWebSocketPortAreCappedPerAddressAndCutAfterTheHandshakeTimeout() throws Exception {
        start(o -> o.withMaxConnectionsPerIp(CAP_PER_ADDRESS).withHandshakeTimeout(HANDSHAKE));
        SilentAttack.Outcome silent = SilentAttack.run(webSocketPort(), 200, 1, HOLD);
        assertEquals(CAP_PER_ADDRESS, silent.admitted(), silent.resultLine());
        assertEquals(0, silent.stillOpen(), "cut by the handshake timeout: " + silent.resultLine());
    }

    @Test
    void silentConnectionsToTheChatPageAreCappedPerAddressAndCutAfterTheHandshakeTimeout() throws Exception {
        start(o -> o.withMaxConnectionsPerIp(CAP_PER_ADDRESS).withHandshakeTimeout(HANDSHAKE));
        SilentAttack.Outcome silent = SilentAttack.run(node.web().pageAddress(), 200, 1, HOLD);
        assertEquals(CAP_PER_ADDRESS, silent.admitted(), silent.resultLine());
        assertEquals(0, silent.stillOpen(), silent.resultLine());
    }

    @Test
    void silentConnectionsDoNotLockBrowsersOfOtherAddressesOut() throws Exception {
        start(o -> o.withMaxConnections(30).withMaxConnectionsPerIp(CAP_PER_ADDRESS).withHandshakeTimeout(Duration.ofSeconds(30)));
        Thread attack = Thread.ofVirtual().start(() -> {
            try {
                SilentAttack.run(webSocketPort(), 100, 1, Duration.ofSeconds(3)); // from 127.0.0.2
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(1000);
        try (WsClient browser = WsClient.connect(node.web().wsUrl(false), null)) { // from 127.0.0.1
            browser.send(ReqPing.newBuilder().setCmd(Cmd.PING.code()).build());
            assertEquals(0, browser.receive(Cmd.PING.code(), ResPing.parser()).getErrCode());
        }
        attack.join();
    }

    @Test
    void theNewConnectionRatePerAddressHoldsBeforeAnyUpgrade() throws Exception {
        start(o -> o.withNewConnectionsPerIpPerSecond(10).withHandshakeTimeout(Duration.ofSeconds(30)));
        SilentAttack.Outcome burst = SilentAttack.run(webSocketPort(), 60, 1, Duration.ofSeconds(1));
        // A burst of one second's worth, plus what refilled while connecting.
        assertTrue(burst.admitted() >= 10 && burst.admitted() < 30, burst.resultLine());
    }
}
