package fishchat.access;

import fishchat.chat.Messaging;
import fishchat.libnet.Session;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ReqJoinGroup;
import fishchat.protocol.external.ReqLeaveGroup;
import fishchat.store.JoinResult;

import java.io.IOException;

/** Cmds 20009 and 20010: a client joining and leaving groups (refused under {@code --groups managed}). */
final class GroupRequests {
    private final Messaging messaging;
    private final AccessOptions options;
    private final AccessMetrics metrics;

    GroupRequests(Messaging messaging, AccessOptions options, AccessMetrics metrics) {
        this.messaging = messaging;
        this.options = options;
        this.metrics = metrics;
    }

    void join(Session session, long uid, ReqJoinGroup req) throws IOException {
        if (refusedAsManaged(session, Cmd.JOIN_GROUP)) {
            return;
        }
        if (req.getGroupID() <= 0) {
            Replies.send(session, metrics, Cmd.JOIN_GROUP, ErrorCode.REQUEST_ERR);
            return;
        }
        if (messaging.join(req.getGroupID(), uid, options.maxGroupsPerUser()) == JoinResult.TOO_MANY_GROUPS) {
            Replies.send(session, metrics, Cmd.JOIN_GROUP, ErrorCode.REQUEST_ERR,
                    "request err: a member of too many groups (limit " + options.maxGroupsPerUser() + ")");
            return;
        }
        Replies.send(session, metrics, Cmd.JOIN_GROUP, ErrorCode.OK);
    }

    void leave(Session session, long uid, ReqLeaveGroup req) throws IOException {
        if (refusedAsManaged(session, Cmd.LEAVE_GROUP)) {
            return;
        }
        ErrorCode code = req.getGroupID() > 0 ? ErrorCode.OK : ErrorCode.REQUEST_ERR;
        if (code == ErrorCode.OK) {
            messaging.leave(req.getGroupID(), uid);
        }
        Replies.send(session, metrics, Cmd.LEAVE_GROUP, code);
    }

    /** Under --groups managed, a client's join or leave is refused, saying why (10001: FishChatServer2's clients know it). */
    private boolean refusedAsManaged(Session session, Cmd cmd) throws IOException {
        if (options.groups() != AccessOptions.Groups.MANAGED) {
            return false;
        }
        Replies.send(session, metrics, cmd, ErrorCode.REQUEST_ERR,
                "request err: group membership is managed by the server (--groups managed)");
        return true;
    }
}
