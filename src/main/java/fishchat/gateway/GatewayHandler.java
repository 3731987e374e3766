package fishchat.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import fishchat.libnet.FrameHandler;
import fishchat.libnet.Session;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorFrames;
import fishchat.protocol.Envelope;

import java.io.IOException;

/**
 * FishChatServer2's gateway session loop body: parse Base, dispatch on cmd. cmd 10001 gets
 * an access server address; anything else is answered with an Error frame and the session
 * stays open.
 */
final class GatewayHandler implements FrameHandler {
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
            session.sendFrame(ErrorFrames.MALFORMED);
            return;
        }
        if (cmd == Cmd.REQ_ACCESS_SERVER.code()) {
            session.sendFrame(directory.current(session.secure()).pickReplyFrame());
        } else {
            session.sendFrame(ErrorFrames.UNKNOWN_CMD);
        }
    }
}
