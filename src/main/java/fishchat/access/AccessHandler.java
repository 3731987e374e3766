package fishchat.access;

import com.google.protobuf.InvalidProtocolBufferException;
import fishchat.chat.Messaging;
import fishchat.chat.SendOutcome;
import fishchat.chat.auth.TokenVerifier;
import fishchat.libnet.FrameHandler;
import fishchat.libnet.Session;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.ErrorFrames;
import fishchat.protocol.Envelope;
import fishchat.protocol.external.ReqJoinGroup;
import fishchat.protocol.external.ReqLeaveGroup;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ReqSendGroupMsg;
import fishchat.protocol.external.ReqSendP2PMsg;
import fishchat.protocol.external.ReqSyncMsg;
import fishchat.protocol.external.ResKick;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResSendP2PMsg;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.store.StoreUnavailableException;

import java.io.IOException;
import java.util.List;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The access server's session loop body: login, ping, messages, sync, groups (cmds
 * 20001–20010). Every request that parses gets its own reply type with an errCode;
 * Error{90001} answers only bodies that do not parse and unknown cmds (DESIGN §2).
 *
 * <p>The sender of a message is always the session's uid: a request's own uid field may
 * only repeat it (93005 otherwise). A store that cannot take a write answers 90001 and the
 * session stays open.
 */
final class AccessHandler implements FrameHandler {
    private static final System.Logger LOG = System.getLogger(AccessHandler.class.getName());

    private final Messaging messaging;
    private final TokenVerifier tokens;
    private final OnlineUsers online;
    private final AccessMetrics metrics;
    private final AccessOptions options;

    AccessHandler(Messaging messaging, TokenVerifier tokens, OnlineUsers online, AccessMetrics metrics,
                  AccessOptions options) {
        this.messaging = messaging;
        this.tokens = tokens;
        this.online = online;
        this.metrics = metrics;
        this.options = options;
    }

    private void sendStatus(Session session, Cmd cmd, ErrorCode code) throws IOException {
        metrics.reply(code);
        session.send(Replies.status(cmd, code));
    }

    /**
     * A login, and the requests of a logged-in session that wait for the store, may park
     * deep in the call chain; pings and acks are answered from memory.
     */
    @Override
    public boolean mayBlockDeep(Session session, byte[] body) {
        Cmd cmd;
        try {
            cmd = Cmd.of(Envelope.cmdOf(body));
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
        if (cmd == Cmd.LOGIN) {
            return true;
        }
        return switch (cmd) {
            case SEND_P2P_MSG, SEND_GROUP_MSG, SYNC_MSG, JOIN_GROUP, LEAVE_GROUP -> uidOf(session) != 0;
            case null, default -> false;
        };
    }

    @Override
    public void onFrame(Session session, byte[] body) throws IOException {
        Cmd cmd;
        try {
            cmd = Cmd.of(Envelope.cmdOf(body));
            if (cmd == null || cmd == Cmd.REQ_ACCESS_SERVER || cmd == Cmd.NOTIFY || cmd == Cmd.KICK || cmd == Cmd.ERROR) {
                session.sendFrame(ErrorFrames.UNKNOWN_CMD);
                return;
            }
            if (cmd == Cmd.LOGIN) {
                login(session, ReqLogin.parseFrom(body));
                return;
            }
            if (cmd == Cmd.PING) {
                sendStatus(session, Cmd.PING, ErrorCode.OK);
                return;
            }
            long uid = uidOf(session);
            if (uid == 0) {
                if (cmd == Cmd.SYNC_MSG) {
                    syncFailed(session, ReqSyncMsg.parseFrom(body), ErrorCode.NOT_LOGGED_IN);
                } else {
                    sendStatus(session, cmd, ErrorCode.NOT_LOGGED_IN);
                }
                return;
            }
            try {
                dispatch(session, uid, cmd, body);
            } catch (StoreUnavailableException e) {
                LOG.log(WARNING, "{0}: {1} failed: {2}", session, cmd, e.getMessage());
                sendStatus(session, cmd, ErrorCode.SERVER_ERR);
            }
        } catch (InvalidProtocolBufferException e) {
            session.sendFrame(ErrorFrames.MALFORMED);
        }
    }

    private void dispatch(Session session, long uid, Cmd cmd, byte[] body) throws IOException {
        switch (cmd) {
            case SEND_P2P_MSG -> {
                ReqSendP2PMsg req = ReqSendP2PMsg.parseFrom(body);
                if (withinRate(session, cmd, req.getMsg())) {
                    sendP2P(session, uid, req);
                }
            }
            case SEND_GROUP_MSG -> {
                ReqSendGroupMsg req = ReqSendGroupMsg.parseFrom(body);
                if (withinRate(session, cmd, req.getMsg())) {
                    sendGroup(session, uid, req);
                }
            }
            case SYNC_MSG -> sync(session, uid, ReqSyncMsg.parseFrom(body));
            case ACCEPT_P2P_MSG_ACK -> sendStatus(session, cmd, ErrorCode.OK);
            case JOIN_GROUP -> joinGroup(session, uid, ReqJoinGroup.parseFrom(body));
            case LEAVE_GROUP -> leaveGroup(session, uid, ReqLeaveGroup.parseFrom(body));
            case LOGOUT -> {
                sendStatus(session, cmd, ErrorCode.OK);
                session.endAfterReply("logout"); // FIN after the reply: a plain close could reset it away
            }
            default -> session.sendFrame(ErrorFrames.UNKNOWN_CMD);
        }
    }

    private void login(Session session, ReqLogin req) throws IOException {
        long uid = req.getUID();
        ErrorCode verdict = uid <= 0 ? ErrorCode.REQUEST_ERR : tokens.verify(uid, req.getToken());
        if (verdict != ErrorCode.OK) {
            LOG.log(INFO, "{0}: login as uid={1} refused: {2}", session, String.valueOf(uid), verdict.text());
            metrics.logins.inc(verdict.text());
            sendStatus(session, Cmd.LOGIN, verdict);
            return;
        }
        // Pushes wait until ResLogin is out: the client learns its newest seq first, and a
        // notify racing with the login (for a message stored just before or during it)
        // arrives after the reply, as clients expect, never before it.
        session.holdingPushes(() -> completeLogin(session, uid));
    }

    private void completeLogin(Session session, long uid) throws IOException {
        long previous = uidOf(session);
        List<Session> evicted = List.of();
        if (previous != uid) {
            if (previous != 0) {
                online.remove(previous, session);
            }
            session.attach(new SessionState(uid, options, System.nanoTime()));
            session.setLabel("uid=" + uid);
            // Online before reading the newest seq: a message stored in between is notified.
            evicted = online.add(uid, session, options.maxSessionsPerUser());
        }
        long latest;
        try {
            latest = messaging.latestSeq(uid);
        } catch (StoreUnavailableException e) {
            LOG.log(WARNING, "{0}: login: {1}", session, e.getMessage());
            online.remove(uid, session);
            online.restore(uid, evicted); // the devices it would have replaced stay
            session.attach(null);
            session.setLabel(null);
            sendStatus(session, Cmd.LOGIN, ErrorCode.SERVER_ERR);
            return;
        }
        for (Session replaced : evicted) {
            kick(replaced);
        }
        LOG.log(INFO, "{0}: logged in, newest seq {1}", session, String.valueOf(latest));
        metrics.logins.inc("ok");
        session.send(ResLogin.newBuilder()
                .setCmd(Cmd.LOGIN.code())
                .setErrCode(ErrorCode.OK.code())
                .setErrStr(ErrorCode.OK.text())
                .setCurrentID(latest)
                .setMaxMessageBytes(options.maxMessageBytes())
                .build().toByteArray());
    }

    private void sendP2P(Session session, long uid, ReqSendP2PMsg req) throws IOException {
        SendOutcome outcome = req.getSourceUID() != 0 && req.getSourceUID() != uid
                ? SendOutcome.rejected(ErrorCode.UID_MISMATCH)
                : messaging.sendP2P(uid, req.getTargetUID(), req.getMsgID(), req.getMsg());
        metrics.reply(outcome.code());
        session.send(ResSendP2PMsg.newBuilder()
                .setCmd(Cmd.SEND_P2P_MSG.code())
                .setErrCode(outcome.code().code())
                .setErrStr(outcome.code().text())
                .setSourceUID(uid)
                .setTargetUID(req.getTargetUID())
                .setMsgID(req.getMsgID())
                .build().toByteArray());
        announce(outcome);
    }

    private void sendGroup(Session session, long uid, ReqSendGroupMsg req) throws IOException {
        SendOutcome outcome = req.getSourceUID() != 0 && req.getSourceUID() != uid
                ? SendOutcome.rejected(ErrorCode.UID_MISMATCH)
                : messaging.sendGroup(uid, req.getGroupID(), req.getMsgID(), req.getMsg());
        sendStatus(session, Cmd.SEND_GROUP_MSG, outcome.code());
        announce(outcome);
    }

    /** After the sender has its answer: count, and tell the recipients' sessions. */
    private void announce(SendOutcome outcome) {
        if (!outcome.deliveries().isEmpty()) {
            metrics.messagesAccepted.inc();
            metrics.inboxWrites.add(outcome.deliveries().size());
            online.notify(outcome.deliveries());
        }
    }

    private void sync(Session session, long uid, ReqSyncMsg req) throws IOException {
        if (req.getUID() != 0 && req.getUID() != uid) {
            syncFailed(session, req, ErrorCode.UID_MISMATCH);
            return;
        }
        ResSyncMsg reply;
        try {
            reply = messaging.sync(uid, req.getCurrentID());
        } catch (StoreUnavailableException e) {
            LOG.log(WARNING, "{0}: sync failed: {1}", session, e.getMessage());
            syncFailed(session, req, ErrorCode.SERVER_ERR);
            return;
        }
        metrics.syncs.inc();
        metrics.messagesSynced.add(reply.getMsgsCount());
        session.send(reply.toByteArray());
    }

    /**
     * A failed sync still carries the request's currentID: FishChatServer2's clients take
     * their next sync position from any cmd-20006 reply, and 0 would make them fetch their
     * whole inbox again.
     */
    private void syncFailed(Session session, ReqSyncMsg req, ErrorCode code) throws IOException {
        metrics.reply(code);
        session.send(ResSyncMsg.newBuilder()
                .setCmd(Cmd.SYNC_MSG.code())
                .setErrCode(code.code())
                .setErrStr(code.text())
                .setCurrentID(req.getCurrentID())
                .build().toByteArray());
    }

    private void joinGroup(Session session, long uid, ReqJoinGroup req) throws IOException {
        ErrorCode code = checkGroupRequest(uid, req.getUID(), req.getGroupID());
        if (code == ErrorCode.OK) {
            messaging.join(req.getGroupID(), uid);
        }
        sendStatus(session, Cmd.JOIN_GROUP, code);
    }

    private void leaveGroup(Session session, long uid, ReqLeaveGroup req) throws IOException {
        ErrorCode code = checkGroupRequest(uid, req.getUID(), req.getGroupID());
        if (code == ErrorCode.OK) {
            messaging.leave(req.getGroupID(), uid);
        }
        sendStatus(session, Cmd.LEAVE_GROUP, code);
    }

    private static ErrorCode checkGroupRequest(long uid, long requestUid, long groupId) {
        if (requestUid != 0 && requestUid != uid) {
            return ErrorCode.UID_MISMATCH;
        }
        return groupId > 0 ? ErrorCode.OK : ErrorCode.REQUEST_ERR;
    }

    @Override
    public void onClose(Session session) {
        long uid = uidOf(session);
        if (uid != 0) {
            online.remove(uid, session);
        }
    }

    /** The logged-in uid, or 0 (not logged in, or replaced by a newer login). */
    private static long uidOf(Session session) {
        SessionState state = session.attachment();
        return state == null || state.replaced ? 0 : state.uid;
    }

    /** Tells a session that a newer login of its user replaced it, then closes it. */
    private void kick(Session replaced) {
        LOG.log(INFO, "{0}: replaced by a newer login (over {1} sessions per user)", replaced,
                String.valueOf(options.maxSessionsPerUser()));
        metrics.reply(ErrorCode.SESSION_REPLACED);
        SessionState state = replaced.attachment();
        if (state != null) {
            state.replaced = true; // this login only: a newer login on that session gets a new state
        }
        replaced.pushThenClose(ResKick.newBuilder()
                .setCmd(Cmd.KICK.code())
                .setErrCode(ErrorCode.SESSION_REPLACED.code())
                .setErrStr(ErrorCode.SESSION_REPLACED.text())
                .setReason("logged in on more than " + options.maxSessionsPerUser() + " devices")
                .build().toByteArray(), "replaced by a newer login of the same user");
    }

    /**
     * Whether this send may go ahead under the session's rate limits; when not, answers
     * 90005 (nothing is stored), and cuts a session that stays over the limit.
     */
    private boolean withinRate(Session session, Cmd cmd, String text) throws IOException {
        SessionState state = session.attachment();
        if (state == null || state.replaced) { // replaced by a newer login a moment ago
            sendStatus(session, cmd, ErrorCode.NOT_LOGGED_IN);
            return false;
        }
        // UTF-16 length is a lower bound of the UTF-8 size; exact bytes only when it matters.
        int bytes = text.length() < 128 ? text.length() * 3 : text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        SessionState.Allowance allowance = state.allow(bytes, System.nanoTime());
        if (allowance == SessionState.Allowance.OK) {
            return true;
        }
        sendStatus(session, cmd, ErrorCode.RATE_LIMITED);
        if (allowance == SessionState.Allowance.CUT) {
            session.close("over the send rate limit for " + options.overLimitGrace().toSeconds() + " s");
        }
        return false;
    }
}
