package fishchat.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.gateway.GatewayServer;
import fishchat.libnet.FrameClient;
import fishchat.libnet.FrameServer;
import fishchat.libnet.ServerOptions;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.Base;
import fishchat.protocol.external.Error;
import fishchat.protocol.external.ReqAccessServer;
import fishchat.protocol.external.ResSelectAccessServerForClient;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway behind the frame decoder, over a real socket: each input is one connection
 * sending frames (access-server requests, other cmds, bodies that are not protobuf) and
 * ending cleanly, inside a frame or with an oversize header. Every complete frame must get
 * exactly one answer, in order, judged by protobuf-java's parser: cmd 10001 gets
 * ResSelectAccessServerForClient with the one access address; a body that does not parse
 * gets Error 90001/90001, any other cmd Error 90001/10001; an oversize header one Error
 * 90004, then the close. Besides: nothing logged at WARNING or above, no thread left behind,
 * a bystander connection hears nothing, and a fresh client is still answered.
 */
class GatewayFuzzTest {
    static final int MAX_FRAME = 1024;
    private static final String ACCESS = "127.0.0.1:20000";

    private static GatewayServer gateway;
    private static ServerWatch watch;
    private static FrameClient bystander;

    /** Started by the first input, for the reason given in AccessFuzzTest. */
    private static void start() throws IOException {
        watch = ServerWatch.install();
        gateway = new GatewayServer(ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "gateway")
                .withMaxFrameBody(MAX_FRAME), new AccessDirectory(new AccessList(List.of(ACCESS)))).start();
        bystander = FrameClient.connect(gateway.address(), Duration.ofSeconds(5));
        bystander.setReceiveTimeout(Duration.ofSeconds(5));
        // One request first: a connection that never sends a frame is cut by the handshake timeout.
        bystander.send(ReqAccessServer.newBuilder().setCmd(Cmd.REQ_ACCESS_SERVER.code()).build().toByteArray());
        assertEquals(ACCESS, ResSelectAccessServerForClient.parseFrom(bystander.receive()).getAddr());
        bystander.setReceiveTimeout(Duration.ofMillis(1));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (bystander != null) {
                bystander.close();
            }
            if (gateway != null) {
                gateway.stop();
            }
        } finally {
            if (watch != null) {
                watch.uninstall();
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void everyFrameGetsItsOwnAnswer(FuzzedDataProvider data) throws IOException {
        if (gateway == null) {
            start();
        }
        try (SilentCloseable ours = Loopback.allowOnly(gateway.address().getPort())) {
            exercise(data);
        }
    }

    private static void exercise(FuzzedDataProvider data) throws IOException {
        Exchange.Wire wire = new Exchange.Wire();
        int count = data.consumeInt(0, 16);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            wire.frame(switch (data.consumeInt(0, 3)) {
                case 0 -> ReqAccessServer.newBuilder().setCmd(Cmd.REQ_ACCESS_SERVER.code())
                        .setCmdStr(data.consumeString(16)).build().toByteArray();
                default -> data.consumeBytes(data.consumeInt(0, 40));
            });
        }
        Tails.append(data, wire, MAX_FRAME);

        Exchange exchange = Exchange.run(gateway.address(), wire.bytes(), wire.oversize);
        int expected = wire.frames.size() + (wire.oversize ? 1 : 0);
        if (exchange.end == Exchange.End.RESET) {
            assertTrue(exchange.received.size() <= expected, "more answers than frames");
        } else {
            assertEquals(expected, exchange.received.size(), "answers");
        }
        for (int i = 0; i < exchange.received.size(); i++) {
            byte[] answer = exchange.received.get(i);
            if (i == wire.frames.size()) {
                checkError(answer, ErrorCode.MESSAGE_TOO_LARGE);
            } else {
                checkAnswer(wire.frames.get(i), answer);
            }
        }
        FrameServer frames = gateway.frameServer();
        Settle.until("the fuzzed session's thread ends", () -> frames.server().connections() == 1);
        bystanderHeardNothing();
        stillServes();
        watch.assertQuiet("this input");
    }

    private static void checkAnswer(byte[] request, byte[] answer) throws InvalidProtocolBufferException {
        int cmd;
        try {
            cmd = Base.parseFrom(request).getCmd();
        } catch (InvalidProtocolBufferException e) {
            checkError(answer, ErrorCode.SERVER_ERR);
            return;
        }
        if (cmd != Cmd.REQ_ACCESS_SERVER.code()) {
            checkError(answer, ErrorCode.REQUEST_ERR);
            return;
        }
        ResSelectAccessServerForClient res = ResSelectAccessServerForClient.parseFrom(answer);
        assertEquals(Cmd.REQ_ACCESS_SERVER.code(), res.getCmd());
        assertEquals(0, res.getErrCode());
        assertEquals(ACCESS, res.getAddr());
    }

    private static void checkError(byte[] answer, ErrorCode code) throws InvalidProtocolBufferException {
        Error error = Error.parseFrom(answer);
        assertEquals(Cmd.ERROR.code(), error.getCmd(), "cmd of the answer");
        assertEquals(code.code(), error.getErrCode(), "errCode of the answer");
    }

    private static void bystanderHeardNothing() throws IOException {
        try {
            byte[] frame = bystander.receive();
            fail(frame == null ? "the gateway closed the bystander's connection"
                    : "the bystander, which sent nothing, received a frame");
        } catch (SocketTimeoutException expected) {
            // nothing arrived within the 1 ms it waits
        }
    }

    private static void stillServes() throws IOException {
        try (FrameClient client = FrameClient.connect(gateway.address(), Duration.ofSeconds(5))) {
            client.setReceiveTimeout(Duration.ofSeconds(5));
            client.send(ReqAccessServer.newBuilder().setCmd(Cmd.REQ_ACCESS_SERVER.code()).build().toByteArray());
            assertEquals(ACCESS, ResSelectAccessServerForClient.parseFrom(client.receive()).getAddr(),
                    "a fresh client's answer");
        }
        FrameServer frames = gateway.frameServer();
        Settle.until("the fresh client's session ends", () -> frames.server().connections() == 1);
    }
}
