package fishchat.gateway;

import fishchat.libnet.Frame;
import fishchat.libnet.ServerOptions;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.Error;
import fishchat.protocol.external.ReqAccessServer;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ResSelectAccessServerForClient;
import fishchat.testing.ProtoClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway on real loopback sockets, as FishChatServer2's clients use it. */
class GatewayServerTest {
    private static final ReqAccessServer REQUEST = ReqAccessServer.newBuilder().setCmd(Cmd.REQ_ACCESS_SERVER.code()).build();
    private GatewayServer gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    private GatewayServer start(List<String> accessList) throws IOException {
        gateway = new GatewayServer(ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "gateway"),
                new AccessDirectory(new AccessList(accessList))).start();
        return gateway;
    }

    private static ResSelectAccessServerForClient ask(ProtoClient client) throws IOException {
        client.send(REQUEST);
        return client.receive(Cmd.REQ_ACCESS_SERVER.code(), ResSelectAccessServerForClient.parser());
    }

    @Test
    void answersWithAnAccessServer() throws IOException {
        start(List.of("127.0.0.1:11000"));
        try (ProtoClient client = ProtoClient.connect(gateway.address())) {
            ResSelectAccessServerForClient answer = ask(client);
            assertEquals(0, answer.getErrCode());
            assertEquals("127.0.0.1:11000", answer.getAddr());
        }
    }

    @Test
    void aClientOpeningTooFastIsToldWhenToComeBackAndIsServedThen() throws Exception {
        gateway = new GatewayServer(ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "gateway")
                .withNewConnectionsPerIpPerSecond(2), new AccessDirectory(new AccessList(List.of("127.0.0.1:11000")))).start();
        InetSocketAddress from = new InetSocketAddress("127.0.0.2", 0);
        fishchat.client.ChatException refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            try {
                assertEquals(new InetSocketAddress("127.0.0.1", 11000), fishchat.client.ChatClient.askGateway(gateway.address(), from));
            } catch (fishchat.client.ChatException e) {
                refused = e;
            }
        }
        assertTrue(refused != null, "the third connection within a second is refused");
        assertEquals(ErrorCode.RATE_LIMITED, refused.code());
        long hint = refused.retryAfter().toMillis();
        assertTrue(hint >= 1 && hint <= 501, "hint within one token's time (500 ms): " + hint);
        Thread.sleep(hint);
        assertEquals(new InetSocketAddress("127.0.0.1", 11000), fishchat.client.ChatClient.askGateway(gateway.address(), from),
                "served after waiting as told");
    }

    @Test
    void randomPickCoversEveryListedAddress() throws IOException {
        List<String> list = List.of("10.0.0.1:1", "10.0.0.2:2", "10.0.0.3:3", "10.0.0.4:4");
        start(list);
        Set<String> seen = new HashSet<>();
        try (ProtoClient client = ProtoClient.connect(gateway.address())) {
            for (int i = 0; i < 400 && seen.size() < list.size(); i++) {
                String addr = ask(client).getAddr();
                assertTrue(list.contains(addr), addr);
                seen.add(addr);
            }
        }
        assertEquals(Set.copyOf(list), seen);
    }

    @Test
    void emptyListAnswersNoAccessServer() throws IOException {
        start(List.of());
        try (ProtoClient client = ProtoClient.connect(gateway.address())) {
            ResSelectAccessServerForClient answer = ask(client);
            assertEquals(ErrorCode.NO_ACCESS_SERVER.code(), answer.getErrCode());
            assertEquals("", answer.getAddr());
        }
    }

    @Test
    void swappedListIsUsedByTheNextRequest() throws IOException {
        start(List.of("127.0.0.1:1"));
        try (ProtoClient client = ProtoClient.connect(gateway.address())) {
            assertEquals("127.0.0.1:1", ask(client).getAddr());
            gateway.directory().replace(new AccessList(List.of("127.0.0.1:2")));
            assertEquals("127.0.0.1:2", ask(client).getAddr());
        }
    }

    @Test
    void garbageBodiesAreAnsweredAndTheSessionGoesOn() throws IOException {
        start(List.of("127.0.0.1:11000"));
        Random random = new Random(7);
        try (ProtoClient client = ProtoClient.connect(gateway.address())) {
            List<byte[]> bad = new ArrayList<>();
            bad.add(new byte[] {(byte) 0x08});                    // truncated varint
            bad.add(new byte[] {(byte) 0x12, 0x05, 'a'});         // truncated string
            bad.add(new byte[] {(byte) 0x00, 0x01});              // field number 0
            bad.add(new byte[] {(byte) 0x0f});                    // wire type 7
            for (int i = 0; i < 20; i++) {
                byte[] junk = new byte[1 + random.nextInt(64)];
                random.nextBytes(junk);
                junk[0] = (byte) 0xff; // an invalid tag: never valid protobuf
                bad.add(junk);
            }
            for (byte[] body : bad) {
                client.frames().send(body);
                Error error = client.receive(Cmd.ERROR.code(), Error.parser());
                assertEquals(ErrorCode.SERVER_ERR.code(), error.getErrCode());
                assertEquals(0, ask(client).getErrCode(), "the session still serves a good request");
            }
        }
    }

    @Test
    void emptyBodyIsCmdZeroAnUnknownCommand() throws IOException {
        start(List.of("127.0.0.1:11000"));
        try (ProtoClient client = ProtoClient.connect(gateway.address())) {
            client.frames().send(new byte[0]);
            assertEquals(ErrorCode.REQUEST_ERR.code(), client.receive(Cmd.ERROR.code(), Error.parser()).getErrCode());
            assertEquals(0, ask(client).getErrCode());
        }
    }

    @Test
    void unknownCommandIsAnsweredAndTheSessionGoesOn() throws IOException {
        start(List.of("127.0.0.1:11000"));
        try (ProtoClient client = ProtoClient.connect(gateway.address())) {
            client.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(1).build());
            assertEquals(ErrorCode.REQUEST_ERR.code(), client.receive(Cmd.ERROR.code(), Error.parser()).getErrCode());
            assertEquals(0, ask(client).getErrCode());
        }
    }

    @Test
    void headerAndBodyInSeparateWritesAsFishChatClientsSendThem() throws IOException {
        start(List.of("127.0.0.1:11000"));
        try (ProtoClient client = ProtoClient.connect(gateway.address())) {
            byte[] frame = Frame.of(REQUEST.toByteArray()).encoded();
            client.frames().sendRaw(new byte[] {frame[0], frame[1]});
            client.frames().sendRaw(java.util.Arrays.copyOfRange(frame, 2, frame.length));
            assertEquals("127.0.0.1:11000",
                    client.receive(Cmd.REQ_ACCESS_SERVER.code(), ResSelectAccessServerForClient.parser()).getAddr());
        }
    }

    @Test
    void clientThatLeavesMidFrameFreesItsThread() throws IOException {
        start(List.of("127.0.0.1:11000"));
        try (ProtoClient client = ProtoClient.connect(gateway.address())) {
            client.frames().sendRaw(new byte[] {0, 50, 1, 2});
        }
        fishchat.testing.Await.until("no live session", java.time.Duration.ofSeconds(10),
                () -> gateway.frameServer().server().connections() == 0);
    }

    @Test
    void twoThousandConcurrentClientsFiftyRequestsEach() throws Exception {
        start(List.of("127.0.0.1:11000", "127.0.0.1:11001"));
        int clients = 2000;
        int requests = 50;
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                results.add(threads.submit(() -> {
                    int ok = 0;
                    try (ProtoClient client = ProtoClient.connect(gateway.address())) {
                        for (int r = 0; r < requests; r++) {
                            ResSelectAccessServerForClient answer = ask(client);
                            if (answer.getErrCode() == 0 && answer.getAddr().startsWith("127.0.0.1:1100")) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(60, TimeUnit.SECONDS);
            }
            assertEquals(clients * requests, total);
        }
    }

    @Test
    void stopLeavesNoLiveSessionThreads() throws IOException {
        start(List.of("127.0.0.1:11000"));
        List<ProtoClient> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ProtoClient c = ProtoClient.connect(gateway.address());
            ask(c);
            clients.add(c);
        }
        gateway.stop();
        assertEquals(0, gateway.frameServer().server().connections());
        for (ProtoClient c : clients) {
            assertNull(c.frames().receive());
            c.close();
        }
    }
}
