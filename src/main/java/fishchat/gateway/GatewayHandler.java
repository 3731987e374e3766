package fishchat.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import fishchat.libnet.FrameHandler;
import fishchat.libnet.Session;
import fishchat.protocol.Cmd;
import fishchat.libnet.Frame;
import fishchat.protocol.ErrorBodies;
import fishchat.protocol.Envelope;

import java.io.IOException;

/**
 * FishChatServer2's gateway session loop body: parse Base, dispatch on cmd. cmd 10001 gets
 * an access server address; anything else is answered with an Error frame and the session
 * stays open.
 */
final class GatewayHandler implements FrameHandler {
    private static final Frame MALFORMED = Frame.of(ErrorBodies.MALFORMED);
    private static final Frame UNKNOWN_CMD = Frame.of(ErrorBodies.UNKNOWN_CMD);

    private final AccessDirectory directory;

    GatewayHandler(AccessDirectory directory) {
        this.directory = directory;
    }

    @Override
    public void onFrame(Session session, byte[] body) throws IOException {
        int cmd;
        try {
            cmd = Envelope.cmdOf(body);
        } catch (InvalidProtocolBufferException e) {
            session.send(MALFORMED);
            return;
        }
        if (cmd == Cmd.REQ_ACCESS_SERVER.code()) {
            session.send(directory.current(session.secure()).pickReply());
        } else {
            session.send(UNKNOWN_CMD);
        }
    }
}
