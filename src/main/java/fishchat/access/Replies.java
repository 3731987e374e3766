package fishchat.access;

import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ResLogout;
import fishchat.protocol.external.ResPing;

/** Status-only replies ({cmd, errCode, errStr}) for every access command. */
final class Replies {
    private Replies() {
    }

    /**
     * Every Res* message of the access commands except ResPing has cmd=1, cmdStr=2,
     * errCode=3, errStr=4; with nothing else set they are the same bytes on the wire, so one
     * builder serves them all. ResPing is laid out as Error (errCode=2).
     */
    static byte[] status(Cmd cmd, ErrorCode code) {
        if (cmd == Cmd.PING) {
            return ResPing.newBuilder().setCmd(cmd.code()).setErrCode(code.code()).setErrStr(code.text())
                    .build().toByteArray();
        }
        return ResLogout.newBuilder().setCmd(cmd.code()).setErrCode(code.code()).setErrStr(code.text())
                .build().toByteArray();
    }
}
