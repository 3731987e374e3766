package fishchat.access;

import fishchat.libnet.Frame;
import fishchat.libnet.Session;
import fishchat.protocol.ErrorBodies;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ResLogout;
import fishchat.protocol.external.ResPing;

import java.io.IOException;

/** Status-only replies ({cmd, errCode, errStr}) for every access command. */
final class Replies {
    /** Error{90001} answering a body that does not parse. */
    static final Frame MALFORMED = Frame.of(ErrorBodies.MALFORMED);
    /** Error{10001} answering a command an access server does not serve. */
    static final Frame UNKNOWN_CMD = Frame.of(ErrorBodies.UNKNOWN_CMD);

    private Replies() {
    }

    /**
     * Every Res* message of the access commands except ResPing has cmd=1, cmdStr=2,
     * errCode=3, errStr=4; with nothing else set they are the same bytes on the wire, so one
     * builder serves them all. ResPing is laid out as Error (errCode=2).
     */
    static byte[] status(Cmd cmd, ErrorCode code) {
        return status(cmd, code, code.text());
    }

    /** As {@link #status(Cmd, ErrorCode)}, with an errStr that says more than the code's usual words. */
    static byte[] status(Cmd cmd, ErrorCode code, String text) {
        if (cmd == Cmd.PING) {
            return ResPing.newBuilder().setCmd(cmd.code()).setErrCode(code.code()).setErrStr(text)
                    .build().toByteArray();
        }
        return ResLogout.newBuilder().setCmd(cmd.code()).setErrCode(code.code()).setErrStr(text)
                .build().toByteArray();
    }

    /** Sends a status reply, counting it when its code is not OK. */
    static void send(Session session, AccessMetrics metrics, Cmd cmd, ErrorCode code) throws IOException {
        send(session, metrics, cmd, code, code.text());
    }

    /** As {@link #send(Session, AccessMetrics, Cmd, ErrorCode)}, with an errStr that says more. */
    static void send(Session session, AccessMetrics metrics, Cmd cmd, ErrorCode code, String text) throws IOException {
        metrics.reply(code);
        session.send(status(cmd, code, text));
    }
}
