package fishchat.web;

import fishchat.access.AccessOptions;
import fishchat.chat.auth.HmacTokens;
import fishchat.libnet.ServerOptions;
import fishchat.libnet.TlsCredentials;
import fishchat.metrics.Metrics;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.Error;
import fishchat.protocol.external.ReqAccessServer;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ReqPing;
import fishchat.protocol.external.ReqSendP2PMsg;
import fishchat.protocol.external.ReqSyncMsg;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResNotify;
import fishchat.protocol.external.ResPing;
import fishchat.protocol.external.ResSelectAccessServerForClient;
import fishchat.protocol.external.ResSendP2PMsg;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.node.Standalone;
import fishchat.store.sqlite.SqliteStore;
import fishchat.bench.attack.WebSocketControlAttack;
import fishchat.testing.Await;
import fishchat.testing.LogRecords;
import fishchat.testing.ChatServer;
import fishchat.testing.ProtoClient;
import fishchat.testing.TestCertificates;
import fishchat.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WebSocket transport on real sockets: a standalone node (gateway, access, SQLite, chat
 * page, ws:// endpoint) in this JVM, the JDK's WebSocket client as the browser, and a TCP client
 * as FishChatServer2's clients are. The same rules hold on both transports.
 */
class WebSocketTest {
    private static final String PAGE_ORIGIN_HOST = "http://127.0.0.1:";
    private final HmacTokens tokens = new HmacTokens(ChatServer.SECRET, Clock.systemUTC());

    @TempDir
    Path dir;

    private Standalone node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private Standalone start(UnaryOperator<ServerOptions> access, WebOptions web) throws Exception {
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        node = Standalone.start(new Standalone.Config(ServerOptions.defaults(any, "gateway"),
                access.apply(ServerOptions.defaults(any, "access")), AccessOptions.defaults(), tokens, web),
                SqliteStore.open(dir, Duration.ofSeconds(4)), new Metrics());
        return node;
    }

    private Standalone start() throws Exception {
        return start(o -> o, plainWeb());
    }

    private static WebOptions plainWeb() {
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        return new WebOptions(any, null, null, null, any, null, null);
    }

    private String origin() {
        return PAGE_ORIGIN_HOST + node.web().pageAddress().getPort();
    }

    private WsClient browser() {
        return WsClient.connect(node.web().wsUrl(false), origin());
    }

    private WsClient loggedIn(long uid) throws Exception {
        WsClient ws = browser();
        ws.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(uid).setToken(tokens.mint(uid, Duration.ofHours(1))).build());
        assertEquals(0, ws.receive(Cmd.LOGIN.code(), ResLogin.parser()).getErrCode(), "login of " + uid + " over WebSocket");
        return ws;
    }

    private ProtoClient tcpLoggedIn(long uid) throws IOException {
        ProtoClient tcp = ProtoClient.connect(node.accessAddress());
        tcp.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(uid).setToken(tokens.mint(uid, Duration.ofHours(1))).build());
        assertEquals(0, tcp.receive(Cmd.LOGIN.code(), ResLogin.parser()).getErrCode());
        return tcp;
    }

    private static ReqSendP2PMsg message(long to, String id, String text) {
        return ReqSendP2PMsg.newBuilder().setCmd(Cmd.SEND_P2P_MSG.code()).setTargetUID(to).setMsgID(id).setMsg(text).build();
    }

    private static ReqSyncMsg sync(long from) {
        return ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).setCurrentID(from).build();
    }

    @Test
    void aBrowserAndATcpClientChatBothWays() throws Exception {
        start();
        try (WsClient browser = loggedIn(1); ProtoClient tcp = tcpLoggedIn(2)) {
            browser.send(message(2, "w-1", "hello from the browser"));
            assertEquals(0, browser.receive(Cmd.SEND_P2P_MSG.code(), ResSendP2PMsg.parser()).getErrCode());
            assertTrue(tcp.receive(Cmd.NOTIFY.code(), ResNotify.parser()).getCurrentID() >= 1);
            tcp.send(sync(0));
            ResSyncMsg atTcp = tcp.receiveSkipping(Cmd.SYNC_MSG.code(), ResSyncMsg.parser());
            assertEquals("hello from the browser", atTcp.getMsgs(0).getMsg());
            assertEquals(1, atTcp.getMsgs(0).getSourceUID());

            tcp.send(message(1, "t-1", "hello from TCP"));
            assertEquals(0, tcp.receiveSkipping(Cmd.SEND_P2P_MSG.code(), ResSendP2PMsg.parser()).getErrCode());
            long seq = browser.receive(Cmd.NOTIFY.code(), ResNotify.parser()).getCurrentID();
            browser.send(sync(0));
            ResSyncMsg atBrowser = browser.receive(Cmd.SYNC_MSG.code(), ResSyncMsg.parser());
            assertEquals(seq, atBrowser.getCurrentID());
            assertEquals("hello from TCP", atBrowser.getMsgs(0).getMsg());

            browser.send(ReqPing.newBuilder().setCmd(Cmd.PING.code()).build());
            assertEquals(0, browser.receive(Cmd.PING.code(), ResPing.parser()).getErrCode());
        }
    }

    @Test
    void badInputGetsTheSameAnswersAsOnTcp() throws Exception {
        start();
        try (WsClient ws = browser()) {
            ws.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(5).setToken("forged").build());
            assertEquals(ErrorCode.BAD_TOKEN.code(), ws.receive(Cmd.LOGIN.code(), ResLogin.parser()).getErrCode());
            ws.send(message(2, "x", "before login"));
            assertEquals(ErrorCode.NOT_LOGGED_IN.code(), ws.receive(Cmd.SEND_P2P_MSG.code(), ResSendP2PMsg.parser()).getErrCode());
            ws.sendBytes(new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff});
            assertEquals(ErrorCode.SERVER_ERR.code(), ws.receiveError(Error.parser()).getErrCode());
            ws.send(ReqPing.newBuilder().setCmd(4242).build());
            assertEquals(ErrorCode.REQUEST_ERR.code(), ws.receiveError(Error.parser()).getErrCode());
            ws.sendBytes(new byte[0]); // an empty body is a valid frame (cmd 0: unknown)
            assertEquals(ErrorCode.REQUEST_ERR.code(), ws.receiveError(Error.parser()).getErrCode());
            assertTrue(!ws.isClosed(), "none of these ends the session");
        }
    }

    @Test
    void anOversizeMessageIsRefusedLikeAnOversizeFrame() throws Exception {
        start(o -> o.withMaxFrameBody(1024), plainWeb());
        try (WsClient ws = loggedIn(1)) {
            ws.sendBytes(new byte[2048]);
            assertEquals(ErrorCode.MESSAGE_TOO_LARGE.code(), ws.receiveError(Error.parser()).getErrCode());
            ws.awaitClose();
        }
        Await.until("the session is released", Duration.ofSeconds(5), () -> node.access().frameServer().sessions().size() == 0);
    }

    @Test
    void aTextMessageEndsTheConnectionWithASaidReason() throws Exception {
        start();
        try (WsClient ws = browser()) {
            ws.sendText("{\"cmd\":20002}");
            WsClient.Closed closed = ws.awaitClose();
            assertEquals(1003, closed.code(), closed.toString());
            assertTrue(closed.reason().contains("binary"), closed.reason());
        }
    }

    @Test
    void onlyAllowedOriginsMayUpgradeAndNonBrowsersAreNotChecked() throws Exception {
        start();
        CompletionException refused = assertThrows(CompletionException.class,
                () -> WsClient.connect(node.web().wsUrl(false), "https://evil.example"));
        assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
        try (WsClient page = browser(); WsClient bot = WsClient.connect(node.web().wsUrl(false), null);
             WsClient localhost = WsClient.connect(node.web().wsUrl(false), "http://localhost:" + node.web().pageAddress().getPort())) {
            for (WsClient ws : List.of(page, bot, localhost)) {
                ws.send(ReqPing.newBuilder().setCmd(Cmd.PING.code()).build());
                assertEquals(0, ws.receive(Cmd.PING.code(), ResPing.parser()).getErrCode());
            }
        }
    }

    @Test
    void anUpgradeOverHttp10IsRefused() throws Exception {
        start();
        java.net.URI url = java.net.URI.create(node.web().wsUrl(false));
        try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET /ws HTTP/1.0\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertTrue(status != null && status.contains(" 400 "), "RFC 6455 wants HTTP/1.1: " + status);
        }
    }

    @Test
    void webSocketAndTcpConnectionsShareTheCapsPerAddress() throws Exception {
        start(o -> o.withMaxConnectionsPerIp(2), plainWeb());
        try (ProtoClient tcp = ProtoClient.connect(node.accessAddress()); WsClient first = browser()) {
            // The third connection from one address is refused when accepted, before its upgrade is read.
            CompletionException refused = assertThrows(CompletionException.class, this::browser);
            WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
            assertEquals(503, handshake.getResponse().statusCode());
            first.send(ReqPing.newBuilder().setCmd(Cmd.PING.code()).build());
            assertEquals(0, first.receive(Cmd.PING.code(), ResPing.parser()).getErrCode());
        }
    }

    /**
     * RFC 6455 5.5: control frames over 125 bytes or fragmented, reserved opcodes and unmasked
     * client frames end the connection with Close 1002; each costs the log its usual two INFO
     * lines (opened, closed and why), never an error or a stack trace.
     */
    @Test
    void framesAgainstTheRulesGetClose1002AndNoErrorInTheLog() throws Exception {
        start();
        URI url = URI.create(node.web().wsUrl(false));
        InetSocketAddress port = new InetSocketAddress(url.getHost(), url.getPort());
        try (LogRecords log = LogRecords.capture()) {
            for (WebSocketControlAttack.Kind kind : WebSocketControlAttack.Kind.values()) {
                assertEquals(1002, WebSocketControlAttack.closeCodeFor(port, url.getPath(), kind), kind.name());
            }
            WebSocketControlAttack.Outcome flood = WebSocketControlAttack.run(url, WebSocketControlAttack.Kind.LONG_PING, 200);
            assertEquals(java.util.Map.of(1002, 200), flood.closeCodes(), flood.resultLine());
            Await.until("every session released", Duration.ofSeconds(10), () -> node.access().frameServer().sessions().size() == 0);
            assertEquals(List.of(), log.atLeast(java.util.logging.Level.WARNING, "fishchat").stream()
                    .map(r -> r.getLevel() + " " + r.getMessage()).toList());
            int lines = log.atLeast(java.util.logging.Level.INFO, "fishchat").size();
            assertTrue(lines <= 2 * (200 + WebSocketControlAttack.Kind.values().length) + 10, lines + " log lines");
        }
    }

    @Test
    void aVanishedBrowserIsLoggedOutAndReleased() throws Exception {
        start();
        WsClient ws = loggedIn(7);
        Await.until("the user is online", Duration.ofSeconds(5), () -> node.access().online().users() == 1);
        ws.abort();
        Await.until("the session ends when its connection drops", Duration.ofSeconds(10),
                () -> node.access().frameServer().sessions().size() == 0 && node.access().online().users() == 0);
    }

    @Test
    void theIdleTimeoutClosesASilentWebSocket() throws Exception {
        start(o -> o.withIdleTimeout(Duration.ofMillis(500)), plainWeb());
        try (WsClient ws = loggedIn(3)) {
            ws.awaitClose();
        }
        Await.until("released", Duration.ofSeconds(5), () -> node.access().frameServer().sessions().size() == 0);
    }

    @Test
    void theGatewayAndGetAccessHandOutTheWebSocketUrl() throws Exception {
        start();
        String wsUrl = node.web().wsUrl(false);
        assertTrue(wsUrl.matches("ws://127\\.0\\.0\\.1:\\d+/ws"), wsUrl);
        try (ProtoClient gateway = ProtoClient.connect(node.gatewayAddress())) {
            gateway.send(ReqAccessServer.newBuilder().setCmd(Cmd.REQ_ACCESS_SERVER.code()).build());
            ResSelectAccessServerForClient reply = gateway.receive(Cmd.REQ_ACCESS_SERVER.code(),
                    ResSelectAccessServerForClient.parser());
            assertEquals(wsUrl, reply.getWsAddr());
            assertEquals("127.0.0.1:" + node.accessAddress().getPort(), reply.getAddr());
        }
        HttpResponse<String> access = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.web().pageAddress().getPort() + "/access")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, access.statusCode());
        assertEquals("*", access.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(access.body());
        assertEquals(wsUrl, json.get("wsUrl").asText());
        assertEquals("127.0.0.1:" + node.accessAddress().getPort(), json.get("addr").asText());
    }

    @Test
    void stoppingTheNodeEndsWebSocketSessions() throws Exception {
        start();
        WsClient ws = loggedIn(4);
        node.close();
        node = null;
        WsClient.Closed closed = ws.awaitClose();
        assertTrue(closed.code() == 1001 || closed.code() == 1006 || closed.code() == -1, closed.toString());
    }

    @Test
    void wssServesWithTheNodeCertificate() throws Exception {
        Path[] pair = TestCertificates.create(dir.resolve("certs"), "localhost", "EC");
        TlsCredentials credentials = TlsCredentials.load(pair[0], pair[1]);
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        start(o -> o, new WebOptions(null, any, credentials, List.of(), null, null, null));
        String url = node.web().wsUrl(true).replace("127.0.0.1", "localhost");
        assertTrue(url.startsWith("wss://"), url);
        assertEquals("", node.web().wsUrl(false));
        try (WsClient ws = WsClient.connect(url, null, TestCertificates.trustingOnly(pair[0]))) {
            ws.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(9).setToken(tokens.mint(9, Duration.ofHours(1))).build());
            assertEquals(0, ws.receive(Cmd.LOGIN.code(), ResLogin.parser()).getErrCode());
            Await.until("the session is marked secure", Duration.ofSeconds(5),
                    () -> node.access().frameServer().sessions().all().stream().allMatch(s -> s.secure()));
        }
        assertNull(node.web().pageAddress());
    }

    /**
     * Cutting a wss session must not wait on TLS: Helidon's TLS close writes close_notify and, on
     * TLS 1.2, waits for the peer's, and leaves the TCP connection open. A peer that upgrades and
     * then neither sends nor reads must still be cut by the idle timeout and released.
     */
    @Test
    void aSilentWssPeerIsCutByTheIdleTimeoutOnTls13And12() throws Exception {
        Path[] pair = TestCertificates.create(dir.resolve("certs"), "localhost", "EC");
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        // 2 s: long enough that a slow machine still sees the session before it is cut.
        start(o -> o.withIdleTimeout(Duration.ofSeconds(2)), new WebOptions(null, any,
                TlsCredentials.load(pair[0], pair[1]), List.of(), null, null, null));
        InetSocketAddress wss = new InetSocketAddress("127.0.0.1", URI.create(node.web().wsUrl(true)).getPort());
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) TestCertificates.trustingOnly(pair[0]).getSocketFactory()
                    .createSocket(wss.getAddress(), wss.getPort())) {
                socket.setEnabledProtocols(new String[]{version});
                socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: localhost:" + wss.getPort()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
                        + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String response = readHead(socket.getInputStream());
                assertTrue(response.startsWith("HTTP/1.1 101"), response);
                Await.until(version + ": upgraded", Duration.ofSeconds(5), () -> node.access().frameServer().sessions().size() == 1);
                // Now silent: no frame, and nothing read.
                Await.until(version + ": the silent peer's session is cut and released", Duration.ofSeconds(10),
                        () -> node.access().frameServer().sessions().size() == 0);
            }
        }
    }

    private static String readHead(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
